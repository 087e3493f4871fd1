export const a = 1; // one

export const b = 2;
