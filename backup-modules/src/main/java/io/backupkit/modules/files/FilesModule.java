package io.backupkit.modules.files;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import io.backupkit.modules.files.Tree.Node;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.ModuleConfig;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * </ul>
 * For example {@code root.etc=/opt/app/etc}, {@code root.etc.type=config}, {@code root.db=/var/lib/app}.
 *
 * <h2>Backup</h2>
 * <ul>
 *   <li>Entry names are {@code <name>/<path relative to the root>}, {@code /}-separated. The root itself
 *       is the directory entry {@code <name>}. Directories and regular files are kept with their
 *       modification time and POSIX permission bits (0644 for files and 0755 for directories on a file
 *       system without POSIX permissions). Symbolic links, sockets, FIFOs and device nodes inside a
 *       root are skipped; a file that vanishes while the tree is walked is skipped too.</li>
 *   <li>The traversal is depth first, each directory's children sorted by name, so the same tree
 *       always gives the same entries in the same order.</li>
 *   <li>A root whose directory does not exist is backed up as empty (only its root entry, dated with the
 *       engine's clock, mode 0755) and a warning is logged; a restore then creates it empty. A root
 *       that exists but is not a directory (a file, a symbolic link) is an error.</li>
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
 *   <li>{@code prepare} stages every root that has entries in the archive ({@code config} roots only in a
 *       {@code config_only} restore; entries of other roots are skipped) into a new directory beside the
 *       live root, {@code <parent>/.<dir>.restore-<random>} (creating a missing parent directory). Live
 *       data is not touched; a configured root without entries in the archive is left as it is. An entry
 *       of a root that is not configured on this host fails the restore with an error naming the root,
 *       and every stage made so far is deleted, as on any failure or cancellation of {@code prepare}.
 *       Restored permissions drop setuid, setgid, sticky and world-write bits; modification times are
 *       restored on files and directories. Without options a restored root is exactly the archive's
 *       tree: live files, links and special files that are not in the archive are gone after the
 *       commit.</li>
 *   <li>With {@code include} or {@code exclude}, only the archive's files that the options select are
 *       restored; every live file, directory and symbolic link that they do not select is first copied
 *       into the stage, so it survives. Live files that the options select but that are not in the
 *       archive are removed. Archive directories are restored unless an {@code exclude} matches them or
 *       a parent.</li>
 *   <li>{@code commit} renames each live root to {@code <parent>/.<dir>.previous-<random>} and the stage
 *       to the live root's path (atomic renames within one directory). {@code rollback} puts the previous
 *       trees back and deletes the stages; {@code finish} deletes the previous trees. Deletion never
 *       follows symbolic links.</li>
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

    private static final Logger LOG = LoggerFactory.getLogger(FilesModule.class);
    private static final Pattern ROOT_KEY = Pattern.compile("root\\.([^.]*)");
    private static final Pattern TYPE_KEY = Pattern.compile("root\\.([^.]*)\\.type");
    private static final Pattern ROOT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String CONFIG = "config";
    private static final String DATA = "data";

    private static final ModuleInfo INFO = new ModuleInfo(NAME, "system", "Files and directories of the host",
            "aggregate", List.of(INCLUDE, EXCLUDE));

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
     * Reads the roots. Every key must be {@code root.<name>} or {@code root.<name>.type}.
     *
     * @throws BackupException {@code INVALID_INPUT} naming the key and its value
     */
    @Override
    public void configure(ModuleConfig config) {
        Map<String, Path> paths = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        for (String key : config.keys()) {
            String value = config.get(key).orElseThrow();
            Matcher type = TYPE_KEY.matcher(key);
            Matcher root = ROOT_KEY.matcher(key);
            if (type.matches()) {
                checkRootName(key, value, type.group(1));
                if (!value.equals(CONFIG) && !value.equals(DATA)) {
                    throw invalid("configuration key '" + key + "' must be 'config' or 'data' (got '" + value + "')");
                }
                types.put(type.group(1), value);
            } else if (root.matches()) {
                checkRootName(key, value, root.group(1));
                paths.put(root.group(1), rootPath(key, value));
            } else {
                throw invalid("configuration key '" + key + "' is not known (value '" + value
                        + "'); expected 'root.<name>' or 'root.<name>.type'");
            }
        }
        for (String name : types.keySet()) {
            if (!paths.containsKey(name)) {
                throw invalid("configuration key 'root." + name + ".type' has no 'root." + name + "' (value '"
                        + types.get(name) + "')");
            }
        }
        if (paths.isEmpty()) {
            roots = Map.of(); // not configured: not available for backup or restore
            return;
        }
        Map<String, Root> configured = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            Root root = new Root(e.getKey(), e.getValue(), CONFIG.equals(types.get(e.getKey())));
            for (Root other : configured.values()) {
                if (root.overlaps(other)) {
                    throw invalid("roots 'root." + other.name() + "' ('" + other.path() + "') and 'root." + root.name()
                            + "' ('" + root.path() + "') overlap");
                }
            }
            configured.put(root.name(), root);
        }
        Set<String> unread = config.unreadKeys();
        if (!unread.isEmpty()) {
            throw invalid("configuration keys " + unread + " were not read");
        }
        roots = Collections.unmodifiableMap(new TreeMap<>(configured));
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        Filter filter = Filter.of(context.values(INCLUDE), context.values(EXCLUDE));
        long[] total = {0};
        for (Root root : selectedRoots(context.configOnly())) {
            if (!root.checkDirectory()) {
                continue;
            }
            Tree.walk(root, context.cancellation(), directory -> filter.excludes(root.name(), directory.relative()),
                    new Tree.Visitor() {
                        @Override
                        public void file(Node file) {
                            if (filter.selectsFile(root.name(), file.relative())) {
                                total[0] += file.attributes().size();
                            }
                        }
                    });
        }
        return total[0];
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        Filter filter = Filter.of(context.values(INCLUDE), context.values(EXCLUDE));
        Cancellation cancellation = context.cancellation();
        for (Root root : selectedRoots(context.configOnly())) {
            cancellation.throwIfCancelled();
            if (!root.checkDirectory()) {
                LOG.warn("Root '{}' ('{}') of module '{}' does not exist; backing it up as empty", root.name(),
                        root.path(), NAME);
                sink.directory(Entry.directory(root.name(), context.clock().instant(),
                        Attributes.DEFAULT_DIRECTORY_MODE));
                continue;
            }
            BasicFileAttributes rootAttributes = Attributes.read(root.path());
            sink.directory(Entry.directory(root.name(), Attributes.modified(rootAttributes),
                    Attributes.mode(rootAttributes, true)));
            // Directories not yet written, from the outermost; with a filter they wait for their first file.
            List<Node> pending = new ArrayList<>();
            Tree.walk(root, cancellation, directory -> filter.excludes(root.name(), directory.relative()),
                    new Tree.Visitor() {
                        @Override
                        public void enterDirectory(Node directory) throws IOException {
                            if (filter.isEmpty()) {
                                cancellation.throwIfCancelled();
                                sink.directory(directoryEntry(directory));
                            } else {
                                pending.add(directory);
                            }
                        }

                        @Override
                        public void leaveDirectory(Node directory) {
                            if (!pending.isEmpty() && pending.get(pending.size() - 1) == directory) {
                                pending.remove(pending.size() - 1);
                            }
                        }

                        @Override
                        public void file(Node file) throws IOException {
                            if (!filter.selectsFile(root.name(), file.relative())) {
                                return;
                            }
                            for (Node directory : pending) {
                                cancellation.throwIfCancelled();
                                sink.directory(directoryEntry(directory));
                            }
                            pending.clear();
                            cancellation.throwIfCancelled();
                            BasicFileAttributes a = file.attributes();
                            sink.file(Entry.file(file.entryName(), a.size(), Attributes.modified(a),
                                    Attributes.mode(a, false)), file.path());
                        }
                    });
        }
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        if (!canRead(context.formatVersion())) {
            throw new BackupException(ErrorCode.NOT_SUPPORTED, "Module '" + NAME + "' cannot read format version "
                    + context.formatVersion() + " (it writes version " + formatVersion() + ")");
        }
        Map<String, Root> configured = configuredRoots();
        Filter filter = Filter.of(context.values(INCLUDE), context.values(EXCLUDE));
        Cancellation cancellation = context.cancellation();
        Map<String, Staging> stagings = new LinkedHashMap<>();
        byte[] buffer = new byte[1 << 18];
        try {
            for (Entry entry = entries.next(); entry != null; entry = entries.next()) {
                cancellation.throwIfCancelled();
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
                    staging = Staging.create(root, filter, cancellation);
                    stagings.put(rootName, staging);
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
        } catch (IOException | RuntimeException | Error e) {
            for (Staging staging : stagings.values()) {
                staging.deleteAfter(e);
            }
            throw e;
        }
        List<Swap> swaps = new ArrayList<>();
        for (Staging staging : stagings.values()) {
            swaps.add(staging.swap());
        }
        return new FilesRestoreStage(swaps);
    }

    /** Deletes the content of every root, keeping the root directories; checks cancellation between files. */
    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        for (Root root : configuredRoots().values()) {
            if (!root.checkDirectory()) {
                continue;
            }
            for (Path child : Tree.sortedChildren(root.path())) {
                Tree.delete(child, cancellation);
            }
        }
    }

    // ---- configuration

    private static void checkRootName(String key, String value, String name) {
        if (!ROOT_NAME.matcher(name).matches()) {
            throw invalid("configuration key '" + key + "' (value '" + value + "') has the root name '" + name
                    + "', which must match [A-Za-z0-9_-]+");
        }
    }

    private static Path rootPath(String key, String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid("configuration key '" + key + "' is not a valid path (got '" + value + "')");
        }
        if (!path.isAbsolute()) {
            throw invalid("configuration key '" + key + "' must be an absolute path (got '" + value + "')");
        }
        path = path.normalize();
        if (path.getParent() == null) {
            throw invalid("configuration key '" + key + "' must not be the file system root (got '" + value + "')");
        }
        return path;
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

    private static Entry directoryEntry(Node directory) {
        BasicFileAttributes a = directory.attributes();
        return Entry.directory(directory.entryName(), Attributes.modified(a), Attributes.mode(a, true));
    }
}
