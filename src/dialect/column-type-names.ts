/** A BIGINT beyond Number.MAX_SAFE_INTEGER arrives as a string. */
export const BIG_INTEGER = 'number | string';
