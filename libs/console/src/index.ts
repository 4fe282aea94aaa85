export { type ArgumentSpec, CommandRegistry, type CommandSpec, type ResolvedCommand, SECRET_MASK, syntaxOf } from './command-registry';
export { consolePrefix, type ConsoleThread, echoLine, formatConsoleLines, formatConsoleTime } from './console-format';
export { ConsoleInputError, type ConsoleInputErrorCode } from './errors';
export { helpLines } from './help';
export { maskSecrets } from './masking';
export { MAX_COMMAND_LENGTH, type Token, tokenize } from './tokenizer';
export { type CommandId, DOMINO_COMMANDS, type DominoCommandSpec, dominoCommandRegistry } from './domino-commands';
export { CONSOLE_PRIVATE_KEY_FILE, CONSOLE_PUBLIC_KEY_FILE, generateConsoleKeyPair, type SealedCommand, type SealedSecret, sealCommand, unsealCommand } from './secret-transport';
