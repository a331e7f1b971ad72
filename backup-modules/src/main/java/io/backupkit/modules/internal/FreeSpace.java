package io.backupkit.modules.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The free-space check of a restore's {@code prepare}, before it writes anything. Not API. */
public final class FreeSpace {
    private FreeSpace() {
    }

    /**
     * Checks that each file store holding one of {@code directories} has {@code bytes} usable bytes;
     * nothing is checked when {@code bytes} is negative (unknown). A directory that does not exist yet is
     * checked on the store of its nearest existing parent.
     *
     * @param directories where the restore stages, each with what it stages there (for the message)
     * @throws IOException {@code Module '<module>': not enough space to stage <what> in '<dir>': <n> bytes
     *     needed, <m> bytes free}, or naming the path and the OS reason when its store cannot be read
     */
    public static void check(String module, Map<Path, String> directories, long bytes) throws IOException {
        if (bytes < 0) {
            return;
        }
        Set<FileStore> checked = new HashSet<>();
        for (Map.Entry<Path, String> e : directories.entrySet()) {
            Path existing = e.getKey();
            while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            long usable;
            FileStore store;
            try {
                store = Files.getFileStore(existing);
                usable = store.getUsableSpace();
            } catch (IOException ex) {
                throw OsErrors.failure(module, "read the free space of", existing, ex);
            }
            if (checked.add(store) && usable < bytes) {
                throw new IOException("Module '" + module + "': not enough space to stage " + e.getValue() + " in '"
                        + e.getKey() + "': " + bytes + " bytes needed, " + usable + " bytes free");
            }
        }
    }
}
