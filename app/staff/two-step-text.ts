/** Words of the two-step sign-in pages shared by their server code and their components (no secrets, no I/O). */

/** The second step is over (too slow, used up, or ended by wrong codes): the only way on is the password again. */
export const SIGN_IN_STEP_EXPIRED_MESSAGE = "This sign-in took too long or was already finished. Sign in again with your password.";
