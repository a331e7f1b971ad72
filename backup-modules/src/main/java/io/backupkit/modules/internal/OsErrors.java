package io.backupkit.modules.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Errors of the built-in modules that name what was being done, the path and the OS reason, such as
 * {@code Module 'files': cannot read '/srv/data/x': Permission denied}. Not API: shared by the modules
 * of this artifact only.
 */
public final class OsErrors {
    /** The C library's words for the errors the JDK maps to a type of its own without a reason. */
    private static final Map<Class<? extends FileSystemException>, String> REASONS = Map.of(
            NoSuchFileException.class, "No such file or directory",
            AccessDeniedException.class, "Permission denied",
            FileAlreadyExistsException.class, "File exists",
            NotDirectoryException.class, "Not a directory",
            DirectoryNotEmptyException.class, "Directory not empty",
            NotLinkException.class, "Not a symbolic link",
            FileSystemLoopException.class, "Too many levels of symbolic links");

    private OsErrors() {
    }

    /**
     * A failure to {@code action} {@code path}: {@code Module '<module>': cannot <action> '<path>'[ to
     * '<other>']: <reason>}, with {@code e} as its cause. The path and the other path come from
     * {@code e} when it is a {@link FileSystemException} that names them, from {@code path} otherwise.
     *
     * @param action what was being done, as a verb: {@code read}, {@code list}, {@code rename}
     */
    public static IOException failure(String module, String action, Path path, IOException e) {
        String file = path == null ? null : path.toString();
        String other = null;
        if (e instanceof FileSystemException f) {
            file = f.getFile() != null ? f.getFile() : file;
            other = f.getOtherFile();
        }
        return new IOException("Module '" + module + "': cannot " + action + " '" + file + "'"
                + (other == null ? "" : " to '" + other + "'") + ": " + reason(e), e);
    }

    /**
     * The OS reason of a failure as the C library words it ({@code No such file or directory},
     * {@code Permission denied}); the JDK leaves it out of the exceptions it maps to a type of its own.
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : REASONS.getOrDefault(f.getClass(), f.getClass().getSimpleName());
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
