export class Counter {
  private n = 0;
  inc(): void {
    this.n += 1;
  }
  get value(): number {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
}
