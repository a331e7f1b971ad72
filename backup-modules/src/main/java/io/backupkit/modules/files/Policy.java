package io.backupkit.modules.files;

import static io.backupkit.modules.files.FilesModule.invalid;

import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.Warnings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The options {@code on_change} and {@code on_unreadable}: what a backup does with a file or directory
 * that changes while it is read, and with one it cannot read.
 *
 * @param failOnChange {@code on_change=fail}; by default ({@code warn}) it is kept as read, with a warning
 * @param skipUnreadable {@code on_unreadable=skip}, with a warning; by default ({@code fail}) the backup fails
 * @param warnings where the warnings go
 */
record Policy(boolean failOnChange, boolean skipUnreadable, Warnings warnings) {
    static final String ON_CHANGE = "on_change";
    static final String ON_UNREADABLE = "on_unreadable";

    /**
     * Reads the options' values; each may be given once.
     *
     * @throws io.backupkit.api.BackupException {@code INVALID_INPUT} naming the option and the value
     */
    static Policy of(List<String> onChange, List<String> onUnreadable, Warnings warnings) {
        return new Policy(choose(ON_CHANGE, onChange, "warn", "fail"),
                choose(ON_UNREADABLE, onUnreadable, "fail", "skip"), warnings);
    }

    /** Whether the option chose {@code other}; false when it is not given or chose {@code standard}. */
    private static boolean choose(String option, List<String> values, String standard, String other) {
        if (values.size() > 1) {
            throw invalid("option '" + option + "' is given " + values.size() + " times (got '"
                    + String.join("', '", values) + "')");
        }
        if (values.isEmpty() || standard.equals(values.get(0))) {
            return false;
        }
        if (other.equals(values.get(0))) {
            return true;
        }
        throw invalid("option '" + option + "' must be '" + standard + "' or '" + other + "' (got '" + values.get(0)
                + "')");
    }

    /**
     * Reports that {@code path} (entry {@code entryName}) changed while it was read: a warning, or with
     * {@code on_change=fail} an error naming it.
     */
    void changed(String entryName, Path path, String detail) throws IOException {
        if (failOnChange) {
            throw new IOException("Module '" + FilesModule.NAME + "': '" + path + "' changed while read ("
                    + ON_CHANGE + "=fail): " + detail);
        }
        warnings.warn(entryName, "changed while read: " + detail);
    }

    /**
     * Reports that {@code path} (entry {@code entryName}) could not be read: an error naming it and the
     * OS reason, or with {@code on_unreadable=skip} a warning.
     *
     * @param action what failed, as a verb: {@code read}, {@code list}
     */
    void unreadable(String entryName, Path path, String action, IOException e) throws IOException {
        if (!skipUnreadable) {
            throw OsErrors.failure(FilesModule.NAME, action, path, e);
        }
        warnings.warn(entryName, "skipped (" + ON_UNREADABLE + "=skip): cannot " + action + " '" + path + "': "
                + OsErrors.reason(e));
    }
}
