package io.backupkit.modules.files;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.modules.internal.FreeSpace;
import io.backupkit.modules.internal.SwapStage;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import io.backupkit.spi.Warnings;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code files} module: backs up and restores directory trees of the host ("roots").
 *
 * <h2>Configuration</h2>
 * Every key is read strictly; a key that is not one of these is an {@code INVALID_INPUT} error naming it:
 * <ul>
 *   <li>{@code root.<name>}: the absolute path of a directory to back up. {@code <name>} matches
 *       {@code [A-Za-z0-9_-]+} and is the first segment of every entry name of that root. At least one
 *       root is required. Roots must not overlap (neither may lie inside the other), and a root may not
 *       be the file system root (its restore stage is created beside it).</li>
 *   <li>{@code root.<name>.type}: {@code config} or {@code data}; default {@code data}. A
 *       {@code config_only} backup or restore covers the {@code config} roots only.</li>
 *   <li>{@code root.<name>.optional}: {@code true} or {@code false}; default {@code false}. Whether the
 *       root may be missing when it is backed up (see below).</li>
 * </ul>
 * For example {@code root.etc=/opt/app/etc}, {@code root.etc.type=config}, {@code root.db=/var/lib/app},
 * {@code root.spool=/var/spool/app}, {@code root.spool.optional=true}.
 *
 * <h2>Backup</h2>
 * <ul>
 *   <li>Before anything is written, every selected root is checked: a root that is missing (and not
 *       optional), is not a directory or cannot be listed fails {@code estimate} and {@code backup} with
 *       an error naming the root, its path and the OS reason, as in {@code Module 'files': cannot read
 *       root 'data' ('/srv/data'): No such file or directory}. So a backup is never empty by mistake.</li>
 *   <li>A missing optional root is backed up as empty (only its root entry, dated with the engine's
 *       clock, mode 0755) with a warning through {@link BackupContext#warnings()}; a restore then
 *       creates it empty.</li>
 *   <li>Entry names are {@code <name>/<path relative to the root>}, {@code /}-separated. The root itself
 *       is the directory entry {@code <name>}. Directories and regular files are kept with their
 *       modification time and POSIX permission bits (0644 for files and 0755 for directories on a file
 *       system without POSIX permissions). Symbolic links, sockets, FIFOs and device nodes inside a
 *       root are skipped; a file that vanishes before the walk reads its attributes is skipped too.</li>
 *   <li>The traversal is depth first, each directory's children sorted by name, so the same tree
 *       always gives the same entries in the same order.</li>
 *   <li>Files the host writes during the backup: an entry declares the size of the file when it was
 *       opened (read again once when the size from the walk is out of date) and holds exactly that many
 *       bytes: a file that ends early is padded with zeros, one that grew is cut. A file whose size or
 *       modification time changed while it was read, or that vanished, is reported as a warning
 *       ({@code changed while read: ...}, GNU tar's "file changed as we read it"); with the option
 *       {@code on_change=fail} the backup fails naming it instead. Default {@code on_change=warn}.</li>
 *   <li>A file that cannot be opened or read, or a directory that cannot be listed, fails the backup
 *       naming it and the OS reason ({@code Module 'files': cannot read '/srv/data/x': Permission
 *       denied}); with the option {@code on_unreadable=skip} it is left out with a warning instead.
 *       Default {@code on_unreadable=fail}. Each of these two options takes one value; another value is
 *       an {@code INVALID_INPUT} error naming the option and the value.</li>
 *   <li>Options {@code include} and {@code exclude}, each repeatable, hold {@link FileSystem#getPathMatcher
 *       glob patterns} ({@code glob:} syntax). A pattern matches a path when it matches either the path
 *       relative to its root ({@code conf/app.xml}) or the full entry name ({@code etc/conf/app.xml}).
 *       So {@code *.conf} matches files at the top of a root only, {@code **}{@code /*.conf} matches
 *       {@code .conf} files at any depth below the top and, through the entry name, at the top too. A
 *       regular file is backed up when it matches some {@code include} (or no {@code include} is given)
 *       and no {@code exclude}. An {@code exclude} that matches a directory excludes everything below
 *       it; {@code include} is matched against files only.</li>
 *   <li>Directory entries: without options every directory is written, empty ones too. With
 *       {@code include} or {@code exclude}, a directory is written only when it is a root or lies on the
 *       way to a file that is written.</li>
 * </ul>
 *
 * <h2>Restore</h2>
 * <ul>
 *   <li>{@code prepare} first checks, when {@link RestoreContext#bytes()} is known, that the file store of
 *       each selected root's parent has that many usable bytes, failing with the path, the bytes needed
 *       and the bytes free. It then stages every root that has entries in the archive ({@code config}
 *       roots only in a {@code config_only} restore; entries of other roots are skipped) into a new
 *       directory beside the live root, {@code <parent>/.<dir>.restore-<restoreId>} (creating a missing
 *       parent directory). Live data is not touched; a configured root without entries in the archive is
 *       left as it is. An entry of a root that is not configured on this host fails the restore with an
 *       error naming the root, and every stage made so far is deleted, as on any failure or cancellation
 *       of {@code prepare}. Restored permissions drop setuid, setgid, sticky and world-write bits and
 *       keep at least {@code 0700} on directories and {@code 0600} on files for the owner, so that a
 *       forged mode never leaves a tree its owner cannot enter; modification times are restored on files
 *       and directories. Without options a restored root is exactly the archive's tree: live files, links
 *       and special files that are not in the archive are gone after the commit.</li>
 *   <li>With {@code include} or {@code exclude}, only the archive's files that the options select are
 *       restored; every live file, directory and symbolic link that they do not select is first copied
 *       into the stage, so it survives. Live files that the options select but that are not in the
 *       archive are removed. Archive directories are restored unless an {@code exclude} matches them or
 *       a parent.</li>
 *   <li>{@code commit} renames each live root to {@code <parent>/.<dir>.previous-<restoreId>} and the
 *       stage to the live root's path (atomic renames within one directory). {@code rollback} renames the
 *       restored tree back to the stage, puts the previous tree back (or, for a root that did not exist,
 *       leaves none) and deletes the stage; {@code finish} deletes the previous trees. A tree is deleted
 *       only after it was renamed to {@code <parent>/.<dir>.discard-<restoreId>}, never following symbolic
 *       links.</li>
 *   <li>The journal ({@link RestoreStage#journal()}) holds, for each staged root, {@code root.<name>}:
 *       its live path, and {@code root.<name>.existed}: whether it existed when the restore was prepared.
 *       {@link #recover} decides from it and from which of the temporaries named with the restore's id
 *       exist, so that after a crash at any step of prepare, commit, rollback or finish each root ends up
 *       as the complete old tree or the complete new one and no temporary is left. A root that is missing
 *       and whose stage is gone cannot go forward: that is an error naming it.</li>
 * </ul>
 *
 * <h2>Factory reset</h2>
 * Deletes the content of every root (config and data), keeping the root directories themselves, without
 * following symbolic links. A root that does not exist is left alone. Cancellation is checked between
 * files, so a cancelled reset leaves a root partly emptied.
 *
 * <p>Thread-safety: configured once, then stateless; an instance may serve one operation at a time.
 */
public final class FilesModule implements BackupModule {
    /** The module's id. */
    public static final String NAME = "files";

    static final String INCLUDE = "include";
    static final String EXCLUDE = "exclude";

    private static final String JOURNAL_PREFIX = "root";

    private static final ModuleInfo INFO = new ModuleInfo(NAME, "system", "Files and directories of the host",
            "aggregate", List.of(INCLUDE, EXCLUDE, Policy.ON_CHANGE, Policy.ON_UNREADABLE));

    private volatile Map<String, Root> roots = Map.of();

    /** Creates an unconfigured module; {@link #configure} must run before any operation. */
    public FilesModule() {
    }

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    /** True once at least one root is configured. */
    @Override
    public boolean canBackup() {
        return !roots.isEmpty();
    }

    /** True once at least one root is configured. */
    @Override
    public boolean canRestore() {
        return !roots.isEmpty();
    }

    /**
     * Reads the roots. Every key must be {@code root.<name>}, {@code root.<name>.type} or
     * {@code root.<name>.optional}.
     *
     * @throws BackupException {@code INVALID_INPUT} naming the key and its value
     */
    @Override
    public void configure(ModuleConfig config) {
        roots = Configuration.roots(config); // empty: not available for backup or restore
    }

    /**
     * The bytes of the files a backup would write, from their sizes.
     *
     * @throws IOException naming the root, its path and the OS reason when a root is missing (and not
     *     optional) or cannot be read
     */
    @Override
    public long estimate(BackupContext context) throws IOException {
        return new Backup(selectedRoots(context.configOnly()), context).estimate();
    }

    /**
     * Writes the entries of the selected roots, after checking every one of them.
     *
     * @throws IOException naming the root, its path and the OS reason when a root is missing (and not
     *     optional) or cannot be read, before anything is written; naming the file and the OS reason when a
     *     file cannot be read ({@code on_unreadable=fail}) or changed while read ({@code on_change=fail})
     */
    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        new Backup(selectedRoots(context.configOnly()), context).write(sink, context);
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        if (!canRead(context.formatVersion())) {
            throw new BackupException(ErrorCode.NOT_SUPPORTED, "Module '" + NAME + "' cannot read format version "
                    + context.formatVersion() + " (it writes version " + formatVersion() + ")");
        }
        Map<String, Root> configured = configuredRoots();
        Filter filter = Filter.of(context.values(INCLUDE), context.values(EXCLUDE));
        Policy.of(context.values(Policy.ON_CHANGE), context.values(Policy.ON_UNREADABLE), Warnings.none()); // checked only
        Map<Path, String> stages = new LinkedHashMap<>();
        for (Root root : selectedRoots(context.configOnly())) {
            stages.put(root.path().getParent(), "root '" + root.name() + "'");
        }
        FreeSpace.check(NAME, stages, context.bytes());
        Map<String, Staging> stagings = new LinkedHashMap<>();
        try {
            stage(context, entries, configured, filter, stagings);
        } catch (IOException | RuntimeException | Error e) {
            for (Staging staging : stagings.values()) {
                staging.deleteAfter(e);
            }
            throw e;
        }
        List<Swap> swaps = new ArrayList<>();
        for (Staging staging : stagings.values()) {
            swaps.add(staging.swap(context.restoreId()));
        }
        return new SwapStage(NAME, JOURNAL_PREFIX, swaps);
    }

    /** Stages every entry of the selected roots, creating a root's stage at its first entry. */
    private static void stage(RestoreContext context, EntrySource entries, Map<String, Root> configured,
            Filter filter, Map<String, Staging> stagings) throws IOException {
        byte[] buffer = new byte[1 << 18];
        for (Entry entry = entries.next(); entry != null; entry = entries.next()) {
            context.cancellation().throwIfCancelled();
            String name = entry.name().endsWith("/")
                    ? entry.name().substring(0, entry.name().length() - 1) : entry.name();
            int slash = name.indexOf('/');
            String rootName = slash < 0 ? name : name.substring(0, slash);
            Root root = configured.get(rootName);
            if (root == null) {
                throw new IOException("Entry '" + entry.name() + "' of module '" + NAME + "' belongs to root '"
                        + rootName + "', which is not configured on this host");
            }
            if (context.configOnly() && !root.config()) {
                continue;
            }
            Staging staging = stagings.get(rootName);
            if (staging == null) {
                staging = Staging.create(root, context.restoreId(), filter, context.cancellation());
                stagings.put(rootName, staging);
                Swap.step.accept("prepare " + rootName + ": staging");
            }
            if (slash < 0) {
                if (!entry.directory()) {
                    throw new IOException("Entry '" + entry.name() + "' of module '" + NAME
                            + "' names root '" + rootName + "' but is not a directory");
                }
                staging.addRoot(entry);
                continue;
            }
            String relative = name.substring(slash + 1);
            if (!filter.isEmpty() && !filter.selects(rootName, relative, entry)) {
                continue;
            }
            Entry inRoot = new Entry(entry.name().substring(slash + 1), entry.directory(), entry.size(),
                    entry.modified(), entry.mode());
            staging.add(entry, inRoot, entries, buffer);
        }
        for (Staging staging : stagings.values()) {
            staging.applyDirectoryAttributes();
        }
    }

    /**
     * Finishes ({@code forward}) or undoes an interrupted restore of every root in {@code journal}; with an
     * empty journal (a crash during prepare) deletes what the restore staged beside the configured roots,
     * whatever the direction.
     *
     * @throws IOException naming the root or path and the OS reason; when a root cannot go forward because
     *     it is missing and its stage is gone
     */
    @Override
    public void recover(String restoreId, Map<String, String> journal, boolean forward) throws IOException {
        Map<String, Path> paths = new TreeMap<>();
        roots.forEach((name, root) -> paths.put(name, root.path()));
        SwapStage.recover(NAME, JOURNAL_PREFIX, restoreId, journal, paths, forward,
                (name, live, existed) -> new Swap(name, live, restoreId, existed));
    }

    /** Deletes the content of every root, keeping the root directories; checks cancellation between files. */
    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        for (Root root : configuredRoots().values()) {
            if (!root.checkDirectory()) {
                continue;
            }
            List<Path> children;
            try {
                children = Tree.sortedChildren(root.path());
            } catch (IOException e) {
                throw root.cannotRead(e);
            }
            for (Path child : children) {
                Tree.delete(child, cancellation);
            }
        }
    }

    /** An {@code INVALID_INPUT} error of this module's configuration or options. */
    static BackupException invalid(String message) {
        return new BackupException(ErrorCode.INVALID_INPUT, "Module '" + NAME + "': " + message);
    }

    private Map<String, Root> configuredRoots() {
        Map<String, Root> configured = roots;
        if (configured.isEmpty()) {
            throw new BackupException(ErrorCode.INTERNAL, "Module '" + NAME + "' is not configured");
        }
        return configured;
    }

    private List<Root> selectedRoots(boolean configOnly) {
        return configuredRoots().values().stream().filter(r -> !configOnly || r.config()).toList();
    }
}
