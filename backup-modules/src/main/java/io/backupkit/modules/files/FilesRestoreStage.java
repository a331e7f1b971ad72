package io.backupkit.modules.files;

import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.util.List;

/** The stage of every restored root; used by one thread at a time. */
final class FilesRestoreStage implements RestoreStage {
    private final List<Swap> swaps;

    FilesRestoreStage(List<Swap> swaps) {
        this.swaps = List.copyOf(swaps);
    }

    @Override
    public void commit() throws IOException {
        for (Swap swap : swaps) {
            swap.commit();
        }
    }

    /** Rolls back every root, the last first; the first failure is thrown once all were tried. */
    @Override
    public void rollback() throws IOException {
        IOException failure = null;
        for (int i = swaps.size() - 1; i >= 0; i--) {
            Swap swap = swaps.get(i);
            if (swap.finished()) {
                throw new IllegalStateException("Restore of module '" + FilesModule.NAME
                        + "' already finished; the previous data is gone");
            }
            try {
                swap.rollback();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void finish() throws IOException {
        for (Swap swap : swaps) {
            if (!swap.finished()) {
                swap.finish();
            }
        }
    }
}
