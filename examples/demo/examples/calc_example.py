from calc import add, mean, mul

print(add(2, 3))     # 5
print(mul(2, 3))     # 6
print(mean([1, 2, 3]))  # 2.0
