/**
 * Chaos for load tests: every `everyMs`, for `seconds`, SIGKILL one process picked at random from
 * `victims()` (the replicas that have a process right now). Resolves with the number of kills.
 */
export async function killAtRandom(
  victims: () => Promise<number[]>,
  options: { everyMs: number; seconds: number },
): Promise<number> {
  let kills = 0;
  for (let elapsed = 0; elapsed < options.seconds * 1000; elapsed += options.everyMs) {
    await new Promise((resolve) => setTimeout(resolve, options.everyMs));
    const pids = await victims();
    const victim = pids[Math.floor(Math.random() * pids.length)];
    if (victim === undefined) continue;
    try {
      process.kill(victim, 'SIGKILL');
      kills++;
    } catch {
      // it had just died
    }
  }
  return kills;
}
