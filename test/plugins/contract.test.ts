import { builtInPlugins } from '../../plugins';
import { describeContract } from './contract';
import { targetsFor } from './targets';

/** Every plugin in the list that reads registries, the integrated one included. */
const targets = targetsFor(builtInPlugins);

it('runs every plugin of the list that reads registries', () => {
  expect(targets.map((t) => t.plugin.kind)).toEqual(
    builtInPlugins.filter((p) => 'registry' in p).map((p) => p.kind),
  );
});

describe.each(targets)('registry plugin contract: $name', describeContract);
