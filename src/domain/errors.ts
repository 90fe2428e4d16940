/**
 * Expected failures that a member can act on. The error boundary shows their message privately;
 * anything that is not a UserFacingError is treated as a bug or an outage.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly title: string = 'That did not work',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: what was wrong and what is allowed. */
export class InvalidInputError extends UserFacingError {
  /** `title` says what happened when there is more to say than "Invalid input" ("Not enough XP"). */
  constructor(message: string, title = 'Invalid input') {
    super(message, title);
  }
}

export class NotLinkedError extends UserFacingError {
  constructor() {
    super(
      'Your Discord account is not linked to a user of this server\'s Valentina company yet. ' +
        'Run `/register` to ask for access, or ask an admin to `/link` you to your existing user.',
      'Not registered',
    );
  }
}

export class UnapprovedError extends UserFacingError {
  constructor() {
    super('Your registration is waiting for an admin\'s approval. You can use the bot once it is approved.', 'Awaiting approval');
  }
}

export class NoCompanyError extends UserFacingError {
  /** @param mayBind whether the operator allows this server some company it could bind now. */
  constructor(mayBind = true) {
    super(
      mayBind
        ? 'This server is not bound to a Valentina company yet. Someone with **Manage Server** can run `/setup company`.'
        : "This server is not set up for any Valentina company. The bot's operator must allow one for it (`VALENTINA_GUILD_COMPANIES` or `VALENTINA_COMPANY_ID`, see the README).",
      'Not set up',
    );
  }
}

export class PermissionDeniedError extends UserFacingError {
  constructor(action: string, whoMay: string) {
    super(`You may not ${action}. ${whoMay}`, 'Not allowed');
  }
}

export class NotFoundInputError extends UserFacingError {
  constructor(message: string) {
    super(message, 'Not found');
  }
}

/** A component whose action was already taken (double click, two admins, stale message). */
export class AlreadyHandledError extends UserFacingError {
  constructor(message = 'This was already handled.') {
    super(message, 'Already handled');
  }
}

export class ExpiredError extends UserFacingError {
  constructor(message = 'This has expired. Run the command again.') {
    super(message, 'Expired');
  }
}

/** The member's Discord id sits on two approved users: the bot links neither until an admin fixes it. */
export class DiscordIdConflictError extends UserFacingError {
  constructor() {
    super(
      'Your Discord account is on two Valentina users of this server\'s company, so the bot cannot tell which one you are. ' +
        'An admin must fix it: `/link` you to the right user (that clears your account from the other one).',
      'Account on two users',
    );
  }
}
