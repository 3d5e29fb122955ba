package io.trueroi.ops;

/** A stage of a run failed: its name leads the one-line message ({@code stage journeys: ...}). */
public final class StageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    public StageFailure(String stage, Throwable cause) {
        super("stage " + stage + ": " + Failures.oneLine(Failures.describe(cause)), cause);
        this.stage = stage;
    }

    /** The stage (or the job, when the run failed before its first stage). */
    public String stage() {
        return stage;
    }
}
