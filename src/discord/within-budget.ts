/**
 * Runs `check`; its refusal propagates if it comes within `ms`, otherwise the caller goes on.
 * For answers that must be a modal (the first answer, within Discord's 3 s): a warm check refuses
 * before the form opens, a slow one leaves it to the submit, which checks again.
 */
export async function withinBudget(ms: number, check: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  const running = check();
  // A check that loses the race must not become an unhandled rejection.
  running.catch(() => undefined);
  try {
    await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}
