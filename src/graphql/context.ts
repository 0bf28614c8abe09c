import type { Logger } from 'pino';
import type { Identity } from '../auth/roles';
import { ItemBudget } from './item-budget';
import { createLoaders, type Loaders } from './loaders';
import type { Services } from './services';

export interface Context {
  identity: Identity | null;
  services: Services;
  loaders: Loaders;
  /** What is left of the items this operation may return. */
  items: ItemBudget;
  log: Logger;
}

export function createContext(services: Services, identity: Identity | null, log: Logger): Context {
  return {
    identity,
    services,
    loaders: createLoaders(services),
    items: new ItemBudget(services.limits.maxItems),
    log,
  };
}
