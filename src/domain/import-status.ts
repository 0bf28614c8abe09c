/** How one tag's import ended: a new image, the same image as before, or an error. */
export const importStatuses = ['SUCCESS', 'UNCHANGED', 'FAILED'] as const;
export type ImportStatus = (typeof importStatuses)[number];
