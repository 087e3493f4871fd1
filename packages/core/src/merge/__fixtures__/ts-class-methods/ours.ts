export class Stack<T> {
  private items: T[] = [];
  push(item: T): void {
    if (item === undefined) throw new Error('no undefined');
    this.items.push(item);
  }
  pop(): T | undefined {
    return this.items.pop();
  }
}
