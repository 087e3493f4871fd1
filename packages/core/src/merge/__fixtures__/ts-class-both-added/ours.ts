export class Counter {
  private n = 0;
  inc(): void {
    this.n++;
  }
  reset(): void {
    this.n = 0;
  }
}
