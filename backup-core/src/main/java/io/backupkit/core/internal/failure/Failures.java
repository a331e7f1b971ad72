package io.backupkit.core.internal.failure;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says whose a failure is. In order: an abort is an abort; a failure tagged with its {@link Party}
 * anywhere in its causes is that party's (a lost connection is the transport's even when it surfaces
 * in a module); a {@link BackupException} says so itself (out of a module's code only the codes a module
 * owns); any other exception out of a module's own code is the module's; anything else is a bug of the engine ({@link ErrorCode#INTERNAL}), logged here once
 * with its stack trace and never blamed on anyone else.
 */
public final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /**
     * The failure as the engine reports it.
     *
     * @param module the module whose code was running when it failed, or null
     * @param phase what the module was doing ({@code back up}, {@code prepare}), or null
     */
    public static BackupException classify(Throwable e, String module, String phase) {
        if (e instanceof BackupException b && b.code() == ErrorCode.ABORTED) {
            return b;
        }
        PartyFailure tagged = find(e, PartyFailure.class);
        if (tagged != null) {
            return tagged.toBackupException();
        }
        if (e instanceof BackupException b && (module == null || ownedByModules(b.code()))) {
            return b;
        }
        if (module != null && e instanceof Exception) {
            String reason = describe(e);
            String named = "Module '" + module + "': ";
            if (reason.startsWith(named)) {
                reason = reason.substring(named.length()); // the module named itself: once is enough
            }
            return new BackupException(ErrorCode.MODULE_FAILED, "Module '" + module + "' failed to " + phase + ": "
                    + reason, e);
        }
        return internal(e);
    }

    /**
     * The codes a module reports as they are: they name the module already and say what a caller needs.
     * Any other {@link BackupException} out of a module's code is reported as the module's failure.
     */
    private static boolean ownedByModules(ErrorCode code) {
        return code == ErrorCode.MODULE_FAILED || code == ErrorCode.INTEGRITY || code == ErrorCode.NOT_SUPPORTED;
    }

    /** As {@link #classify(Throwable, String, String)} outside any module's code. */
    public static BackupException classify(Throwable e) {
        return classify(e, null, null);
    }

    /** A bug: logged once with its stack trace, reported with an incident id to find it in the log. */
    public static BackupException internal(Throwable e) {
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("Internal error (incident '{}')", incident, e);
        return new BackupException(ErrorCode.INTERNAL, "Internal error (incident '" + incident + "'): "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                e);
    }

    /** The first exception of {@code type} among {@code e} and its causes, or null. */
    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** What went wrong, in words: the OS reason with the file it concerns, never just a class name. */
    public static String describe(Throwable e) {
        if (e instanceof PartyFailure tagged) {
            return tagged.getMessage();
        }
        String message = e.getMessage();
        if (e instanceof NoSuchFileException n && n.getReason() == null) {
            return "no such file or object '" + n.getFile() + "'";
        }
        if (e instanceof FileAlreadyExistsException x && x.getReason() == null) {
            return "'" + x.getFile() + "' exists already";
        }
        if (e instanceof FileSystemException f && f.getFile() != null && f.getReason() != null) {
            return "'" + f.getFile() + "': " + f.getReason();
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }
}
