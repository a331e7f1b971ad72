package io.backupkit.modules.internal;

import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The stage of a restore made of {@link LiveSwap}s: commits them in order, rolls them back in reverse
 * trying every one, and writes their {@link Journal}. Used by one thread at a time. Not API.
 */
public final class SwapStage implements RestoreStage {
    private final String module;
    private final List<LiveSwap> swaps;
    private final Map<String, String> journal;
    private boolean finished;

    /** Makes the swap of one item of a journal. */
    @FunctionalInterface
    public interface Swaps {
        LiveSwap swap(String name, Path live, boolean existed);
    }

    /** @param prefix the journal's key prefix: {@code root}, {@code db} */
    public SwapStage(String module, String prefix, List<? extends LiveSwap> swaps) {
        this.module = module;
        this.swaps = List.copyOf(swaps);
        this.journal = Journal.of(prefix, swaps.stream()
                .map(s -> new Journal.Item(s.name(), s.live(), s.existed())).toList());
    }

    @Override
    public Map<String, String> journal() {
        return journal;
    }

    @Override
    public void commit() throws IOException {
        for (LiveSwap swap : swaps) {
            swap.commit();
        }
    }

    /** Rolls back every item, the last first; the first failure is thrown once all were tried. */
    @Override
    public void rollback() throws IOException {
        if (finished) {
            throw new IllegalStateException("Restore of module '" + module + "' already finished; the previous data is gone");
        }
        EveryStep steps = new EveryStep();
        for (int i = swaps.size() - 1; i >= 0; i--) {
            steps.run(swaps.get(i)::rollback);
        }
        steps.throwFirst();
    }

    @Override
    public void finish() throws IOException {
        finished = true;
        for (LiveSwap swap : swaps) {
            swap.finish();
        }
    }

    /**
     * Brings every item of the journal to one side. With an empty journal (a crash during prepare) it
     * deletes the stages of the {@code configured} items whatever the direction, as they may be
     * incomplete. Every item is tried; the first failure is thrown at the end.
     */
    public static void recover(String module, String prefix, String restoreId, Map<String, String> journal,
            Map<String, Path> configured, boolean forward, Swaps swaps) throws IOException {
        EveryStep steps = new EveryStep();
        for (Journal.Item item : Journal.read(module, prefix, restoreId, journal, configured)) {
            LiveSwap swap = swaps.swap(item.name(), item.live(), item.existed());
            steps.run(() -> swap.recover(forward && !journal.isEmpty()));
        }
        steps.throwFirst();
    }
}
