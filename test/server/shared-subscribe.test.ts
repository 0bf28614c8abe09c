import { buildSchema, parse, type ExecutionResult, type GraphQLFieldResolver } from 'graphql';
import { sendResultsDirectly, sharedSubscribe } from '../../src/server/shared-subscribe';

describe('shared subscription execution', () => {
  const schema = buildSchema(`
    type Query { ok: Boolean }
    type Event { id: ID! label: String! broken: String }
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
    if (info.fieldName === 'broken') throw new Error('this field always fails');
    if (info.fieldName !== 'label') return source[info.fieldName];
    labels += 1;
    return `event ${String(source.id)}`;
  };
  const subscribeFieldResolver = async function* () {
    yield* payloads;
  };

  async function receive(query: string, contextValue?: object): Promise<ExecutionResult[]> {
    const stream = (await sharedSubscribe({
      schema,
      document: parse(query),
      fieldResolver,
      subscribeFieldResolver,
      contextValue,
    })) as AsyncIterableIterator<ExecutionResult>;
    const results: ExecutionResult[] = [];
    for await (const result of stream) results.push(result);
    return results;
  }
  const receiveData = async (query: string) => (await receive(query)).map((r) => r.data);

  it('runs one execution per event object and operation, whatever the number of subscribers', async () => {
    const query = 'subscription { events { id label } }';
    const results = await Promise.all([receiveData(query), receiveData(query), receiveData(query)]);
    for (const data of results)
      expect(data).toEqual([
        { events: { id: '1', label: 'event 1' } },
        { events: { id: '2', label: 'event 2' } },
      ]);
    expect(labels).toBe(2);
    expect(await receiveData('subscription { events { label } }')).toEqual([
      { events: { label: 'event 1' } },
      { events: { label: 'event 2' } },
    ]);
    expect(labels).toBe(4);
  });

  it('sends results to a registered sender as JSON serialized once per event and operation', async () => {
    const query = 'subscription { events { id } }';
    const sent: string[][] = [[], []];
    const contexts = sent.map((messages) => {
      const contextValue = {};
      sendResultsDirectly(contextValue, async (json) => {
        messages.push(json);
      });
      return contextValue;
    });
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const yielded = await Promise.all(contexts.map((c) => receive(query, c)));
      expect(yielded).toEqual([[], []]);
      const serializedResults = stringify.mock.calls.filter(
        ([value]) => typeof value === 'object' && value !== null && 'data' in value,
      );
      expect(serializedResults).toHaveLength(2);
    } finally {
      stringify.mockRestore();
    }
    for (const messages of sent)
      expect(messages.map((m) => JSON.parse(m) as unknown)).toEqual([
        { data: { events: { id: '1' } } },
        { data: { events: { id: '2' } } },
      ]);
  });

  it('hands results with errors back instead, to be mapped and counted', async () => {
    const sent: string[] = [];
    const contextValue = {};
    sendResultsDirectly(contextValue, async (json) => {
      sent.push(json);
    });
    const results = await receive('subscription { events { id broken } }', contextValue);
    expect(sent).toEqual([]);
    expect(results.map((r) => r.errors?.map((e) => e.message))).toEqual([
      ['this field always fails'],
      ['this field always fails'],
    ]);
  });
});
