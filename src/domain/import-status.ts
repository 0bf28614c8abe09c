/** How one tag's import ended: a new image, the same image as before, or an error. */
export type ImportStatus = 'SUCCESS' | 'UNCHANGED' | 'FAILED';
