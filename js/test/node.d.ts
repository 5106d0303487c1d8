// The little of node's test runner and assert the tests use, typed here (the
// front end has no @types/node: its code runs in browsers).
declare module "node:test" {
  export function test(name: string, fn: () => void | Promise<void>): void;
  export function describe(name: string, fn: () => void): void;
}
declare module "node:assert/strict" {
  const assert: {
    (value: unknown, message?: string): asserts value;
    equal(actual: unknown, expected: unknown, message?: string): void;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual(actual: unknown, expected: unknown, message?: string): void;
    ok(value: unknown, message?: string): asserts value;
    match(value: string, re: RegExp, message?: string): void;
    throws(fn: () => unknown, message?: string): void;
    rejects(p: Promise<unknown>, expected?: RegExp): Promise<void>;
  };
  export default assert;
}
