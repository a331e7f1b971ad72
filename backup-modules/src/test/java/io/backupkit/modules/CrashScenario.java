package io.backupkit.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A restore to kill at every step, in a child JVM, and to recover forward and backward, each on its own
 * copy of what the crash left. After {@code recover} every item (a root, a database) must be its complete
 * old data or its complete new data: the old after a crash in prepare, or backward except during finish;
 * the new forward after a crash in commit or finish; either forward during a rollback (whose items
 * already rolled back stay old) or backward during finish. Nothing named with the restore's id may be
 * left, and recovering again changes nothing.
 */
public abstract class CrashScenario {
    /** The id the restore's temporaries are named with. */
    protected abstract String restoreId();

    /** Creates the live data before the restore under {@code dir}. */
    protected abstract void oldData(Path dir) throws Exception;

    /** Each item's data under {@code dir}, comparable with {@code equals}; a missing item has a view too. */
    protected abstract Map<String, Map<String, String>> snapshots(Path dir) throws Exception;

    /** Sets the module's test-only step hook. */
    protected abstract void hook(Consumer<String> step);

    /** Prepares the restore of the new data into the live data under {@code dir}. */
    protected abstract RestoreStage prepare(Path dir) throws Exception;

    /** Calls the module's {@code recover} on the data under {@code dir}. */
    protected abstract void recover(Path dir, Map<String, String> journal, boolean forward) throws IOException;

    /**
     * Checks the only failure {@code recover} may have: forward during a rollback, an item that did not
     * exist before and whose stage the rollback deleted.
     */
    protected abstract void checkCannotGoForward(Path dir, IOException failure);

    /**
     * The child JVM: {@code args} are the scenario's class, the directory, the sequence ({@code finish}
     * or {@code rollback}) and the step to halt at.
     */
    public static void main(String[] args) throws Exception {
        Constructor<?> constructor = Class.forName(args[0]).getDeclaredConstructor();
        constructor.setAccessible(true);
        CrashScenario scenario = (CrashScenario) constructor.newInstance();
        scenario.hook(Crash.haltAt(args[3]));
        scenario.restore(Path.of(args[1]), args[2], true);
        System.out.println("DONE without reaching " + args[3]);
    }

    /** Prepares, commits, then finishes or rolls back ({@code sequence}) the restore under {@code dir}. */
    private void restore(Path dir, String sequence, boolean printJournal) throws Exception {
        RestoreStage stage = prepare(dir);
        if (printJournal) {
            Crash.printJournal(stage.journal());
        }
        stage.commit();
        if (sequence.equals("rollback")) {
            stage.rollback();
        } else {
            stage.finish();
        }
    }

    /** Runs the restore in this JVM and returns the names of the steps the module's hook saw. */
    private List<String> record(Path dir, String sequence) throws Exception {
        List<String> steps = new ArrayList<>();
        hook(steps::add);
        try {
            restore(dir, sequence, false);
        } finally {
            hook(step -> {
            });
        }
        return steps;
    }

    /**
     * Kills the restore at each step and checks both recoveries; returns the steps, prepare's, commit's
     * and finish's of a restore and then rollback's.
     */
    public final List<String> crashAtEveryStep(Path tmp) throws Exception {
        Path oldDir = tmp.resolve("old");
        oldData(oldDir);
        Map<String, Map<String, String>> old = snapshots(oldDir);
        Path finishDir = tmp.resolve("record-finish");
        Path rollbackDir = tmp.resolve("record-rollback");
        oldData(finishDir);
        oldData(rollbackDir);
        List<String> finishing = record(finishDir, "finish");
        List<String> rollingBack = record(rollbackDir, "rollback");
        Map<String, Map<String, String>> restored = snapshots(finishDir);
        assertThat(snapshots(rollbackDir)).as("after a rollback").isEqualTo(old);
        assertThat(restored).as("after a restore").isNotEqualTo(old);

        List<String> checked = new ArrayList<>();
        for (String step : finishing) {
            crashAndRecover(tmp.resolve("crash-" + checked.size()), "finish", step, old, restored);
            checked.add(step);
        }
        for (String step : rollingBack) {
            if (step.startsWith("rollback")) {
                crashAndRecover(tmp.resolve("crash-" + checked.size()), "rollback", step, old, restored);
                checked.add(step);
            }
        }
        return checked;
    }

    private void crashAndRecover(Path crashed, String sequence, String step, Map<String, Map<String, String>> old,
            Map<String, Map<String, String>> restored) throws Exception {
        oldData(crashed);
        List<String> output = Crash.run(CrashScenario.class, getClass().getName(), crashed.toString(), sequence, step);
        for (boolean forward : new boolean[] {true, false}) {
            String what = (forward ? "forward" : "backward") + " after a crash at '" + step + "' of a " + sequence;
            Path copy = crashed.resolveSibling(crashed.getFileName() + (forward ? "-forward" : "-backward"));
            Crash.copyTree(crashed, copy);
            Map<String, String> journal = Crash.journal(output, crashed, copy);
            IOException failure = tryRecover(copy, journal, forward);
            assertThat(Crash.named(copy, restoreId())).as("temporaries %s", what).isEmpty();
            Map<String, Map<String, String>> items = snapshots(copy);

            for (Map.Entry<String, Map<String, String>> item : items.entrySet()) {
                assertThat(item.getValue()).as("'%s' %s", item.getKey(), what)
                        .isIn(old.get(item.getKey()), restored.get(item.getKey()));
            }
            if (step.startsWith("prepare") || (!forward && !step.startsWith("finish"))) {
                assertThat(items).as(what).isEqualTo(old);
            }
            if (forward && (step.startsWith("commit") || step.startsWith("finish"))) {
                assertThat(items).as(what).isEqualTo(restored);
            }
            if (failure != null) {
                assertThat(forward && step.startsWith("rollback")).as("%s failed: %s", what, failure).isTrue();
                checkCannotGoForward(copy, failure);
            }

            IOException again = tryRecover(copy, journal, forward);
            assertThat(Crash.named(copy, restoreId())).as("temporaries recovering again %s", what).isEmpty();
            assertThat(snapshots(copy)).as("recovering again %s", what).isEqualTo(items);
            assertThat(again == null).as("recovering again %s fails as the first time: %s", what, again)
                    .isEqualTo(failure == null);
        }
    }

    private IOException tryRecover(Path dir, Map<String, String> journal, boolean forward) {
        try {
            recover(dir, journal, forward);
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
