// A stage's budget: a number of steps, or minutes of wall-clock with the steps as a cap. The
// schedule follows the budget's progress (the larger of the steps done and the time spent, as
// fractions), so a minutes budget decays its learning rate to the floor exactly when time runs out,
// instead of guessing a total number of steps up front. A steps budget is deterministic; a minutes
// budget is not (how many steps fit depends on the machine), which the CLI's --help says.

export interface Budget {
  /** Steps, or with `minutes` the most steps the stage may take. */
  steps: number;
  /** Wall-clock minutes of the stage (null: steps only). */
  minutes: number | null;
}

export class StageClock {
  private readonly start: number;

  constructor(
    private readonly budget: Budget,
    /** Milliseconds this stage already ran before a resume. */
    private readonly spentBefore = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** Milliseconds of this stage so far, across resumes. */
  spentMs(): number {
    return this.spentBefore + this.now() - this.start;
  }

  /** The share of the budget used after `step` steps, in [0, 1]. */
  progress(step: number): number {
    const bySteps = this.budget.steps > 0 ? step / this.budget.steps : 1;
    const byTime = this.budget.minutes === null ? 0 : this.spentMs() / (this.budget.minutes * 60_000);
    return Math.min(1, Math.max(bySteps, byTime));
  }

  done(step: number): boolean {
    return this.progress(step) >= 1;
  }

  /** What the progress bar counts: steps, or seconds for a minutes budget. */
  bar(step: number): { value: number; total: number; unit: string } {
    if (this.budget.minutes === null) return { value: step, total: this.budget.steps, unit: '' };
    const total = Math.round(this.budget.minutes * 60);
    return { value: Math.min(total, Math.round(this.progress(step) * total)), total, unit: ' s' };
  }
}
