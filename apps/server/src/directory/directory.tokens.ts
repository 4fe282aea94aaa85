export const DIRECTORY_STORE = Symbol('DIRECTORY_STORE');
