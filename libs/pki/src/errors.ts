/** Base of the errors raised while opening or using certifier ID files. */
export abstract class IdFileError extends Error {
  abstract readonly code: string;

  protected constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The password does not open the ID file. The text is the classic Notes message. */
export class WrongPasswordError extends IdFileError {
  readonly code = 'WRONG_PASSWORD';

  constructor(file: string) {
    super(file, 'Wrong Password. (Passwords are case sensitive - be sure to use correct upper and lower case.)');
  }
}

/** The file is not a certifier ID file: not a protected key container, or one without a certifier in it. */
export class NotAnIdFileError extends IdFileError {
  readonly code = 'NOT_AN_ID_FILE';

  constructor(
    file: string,
    readonly reason: string,
  ) {
    super(file, `File ${file} is not a valid certifier ID file: ${reason}`);
  }
}
