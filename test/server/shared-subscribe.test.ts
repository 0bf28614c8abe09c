import { buildSchema, parse, type ExecutionResult, type GraphQLFieldResolver } from 'graphql';
import { sharedSubscribe } from '../../src/server/shared-subscribe';

describe('shared subscription execution', () => {
  const schema = buildSchema(`
    type Query { ok: Boolean }
    type Event { id: ID! label: String! }
    type Subscription { events: Event! }
  `);
  /** The same payload objects for every subscriber, as the event feed hands them out. */
  const payloads = [{ events: { id: '1' } }, { events: { id: '2' } }];
  let labels = 0;
  const fieldResolver: GraphQLFieldResolver<Record<string, unknown>, unknown> = (
    source,
    _args,
    _ctx,
    info,
  ) => {
    if (info.fieldName !== 'label') return source[info.fieldName];
    labels += 1;
    return `event ${String(source.id)}`;
  };
  const subscribeFieldResolver = async function* () {
    yield* payloads;
  };

  async function receive(query: string): Promise<unknown[]> {
    const stream = (await sharedSubscribe({
      schema,
      document: parse(query),
      fieldResolver,
      subscribeFieldResolver,
    })) as AsyncIterableIterator<ExecutionResult>;
    const data: unknown[] = [];
    for await (const result of stream) data.push(result.data);
    return data;
  }

  it('runs one execution per event object and operation, whatever the number of subscribers', async () => {
    const query = 'subscription { events { id label } }';
    const results = await Promise.all([receive(query), receive(query), receive(query)]);
    for (const data of results)
      expect(data).toEqual([
        { events: { id: '1', label: 'event 1' } },
        { events: { id: '2', label: 'event 2' } },
      ]);
    expect(labels).toBe(2);
    expect(await receive('subscription { events { label } }')).toEqual([
      { events: { label: 'event 1' } },
      { events: { label: 'event 2' } },
    ]);
    expect(labels).toBe(4);
  });
});
