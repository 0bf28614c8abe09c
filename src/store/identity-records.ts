/** The roles a token can hold, weakest first; stored as these strings. */
export const roles = ['VIEWER', 'EDITOR', 'ADMIN'] as const;
export type Role = (typeof roles)[number];

/** Who a token speaks for, as the token store keeps it. */
export interface Identity {
  id: string;
  description: string;
  namespace: string;
  role: Role;
}
