import {
  createSourceEventStream,
  execute,
  print,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Executions by source event object, then by operation: gone with the event. */
const shared = new WeakMap<object, Map<string, Result>>();

function sharedExecution(args: ExecutionArgs, key: string, payload: unknown): Result {
  if (typeof payload !== 'object' || payload === null)
    return execute({ ...args, rootValue: payload });
  let byOperation = shared.get(payload);
  if (!byOperation) shared.set(payload, (byOperation = new Map()));
  let result = byOperation.get(key);
  if (!result) {
    result = execute({ ...args, rootValue: payload });
    byOperation.set(key, result);
  }
  return result;
}

/**
 * graphql-js `subscribe`, except that subscribers with the same operation and variables that
 * receive the same event object share one execution: the feed hands every subscriber the same
 * object, and permissions are checked before an event reaches a subscriber, so the payload cannot
 * differ between them.
 */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const key = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${print(args.document)}`;
  const events = source[Symbol.asyncIterator]();
  const results: AsyncIterableIterator<ExecutionResult> = {
    next: async () => {
      let next: IteratorResult<unknown>;
      try {
        next = await events.next();
      } catch (err) {
        await events.return?.();
        throw err;
      }
      if (next.done) return { value: undefined, done: true };
      return { value: await sharedExecution(args, key, next.value), done: false };
    },
    return: async () => {
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => results,
  };
  return results;
}
