import {
  createSourceEventStream,
  execute,
  print,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

/** One execution of an operation for one event, and its JSON once a subscriber needed it. */
interface Shared {
  result: ExecutionResult | Promise<ExecutionResult>;
  json?: string;
}

/** Sends a subscription's `next` message whose payload is this JSON. */
export type SendNext = (payloadJson: string) => Promise<void>;

/** Executions by source event object, then by operation: gone with the event. */
const shared = new WeakMap<object, Map<string, Shared>>();
/** Direct senders by the operation's context value, registered by the transport. */
const directSenders = new WeakMap<object, SendNext>();

/**
 * Results of the operation with this context value go straight to `send` as JSON serialized once
 * per event and operation, instead of back to graphql-ws, which would serialize the same payload
 * again for every subscriber. Results with errors still go back, to be mapped and counted.
 */
export function sendResultsDirectly(contextValue: object, send: SendNext): void {
  directSenders.set(contextValue, send);
}

function sharedExecution(args: ExecutionArgs, key: string, payload: unknown): Shared {
  if (typeof payload !== 'object' || payload === null)
    return { result: execute({ ...args, rootValue: payload }) };
  let byOperation = shared.get(payload);
  if (!byOperation) shared.set(payload, (byOperation = new Map()));
  let execution = byOperation.get(key);
  if (!execution) {
    execution = { result: execute({ ...args, rootValue: payload }) };
    byOperation.set(key, execution);
  }
  return execution;
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
  const send =
    typeof args.contextValue === 'object' && args.contextValue !== null
      ? directSenders.get(args.contextValue)
      : undefined;
  const events = source[Symbol.asyncIterator]();
  let returned = false;
  const results: AsyncIterableIterator<ExecutionResult> = {
    next: async () => {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await events.next();
        } catch (err) {
          await events.return?.();
          throw err;
        }
        if (next.done || returned) return { value: undefined, done: true };
        const execution = sharedExecution(args, key, next.value);
        const result = await execution.result;
        if (!send || result.errors) return { value: result, done: false };
        await send((execution.json ??= JSON.stringify(result)));
      }
    },
    return: async () => {
      returned = true;
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => results,
  };
  return results;
}
