// Exit codes (DESIGN §6) and the error that means "bad input": one line, exit 2.
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad input: printed as one line and exit 2, never a stack trace. */
export class UsageError extends Error {}
