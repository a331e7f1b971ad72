package io.backupkit.modules.internal;

import java.io.IOException;

/** Runs every step even when one fails; the first failure is thrown at the end, the others suppressed in it. Not API. */
public final class EveryStep {
    private IOException first;

    /** A step that may fail. */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    /** Runs a step, keeping its failure. */
    public void run(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
    }

    /** Throws the first failure, if any. */
    public void throwFirst() throws IOException {
        if (first != null) {
            throw first;
        }
    }
}
