import { DateTimeResolver, JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';

export const DateTime = DateTimeResolver;
export const SafeInt = SafeIntResolver;
export const JSONObject = JSONObjectResolver;
