package io.backupkit.modules.files;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
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
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
 *   <li>Options {@code include} and {@code exclude}, each repeatable, hold {@link java.nio.file.FileSystem#getPathMatcher
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

    private static final System.Logger LOG = System.getLogger(FilesModule.class.getName());
    private static final Pattern ROOT_KEY = Pattern.compile("root\\.([^.]*)");
    private static final Pattern TYPE_KEY = Pattern.compile("root\\.([^.]*)\\.type");
    private static final Pattern ROOT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String CONFIG = "config";
    private static final String DATA = "data";
    private static final String INCLUDE = "include";
    private static final String EXCLUDE = "exclude";
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_DIRECTORY_MODE = 0755;

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
                if (overlap(root.path(), other.path())) {
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
            if (!checkRootDirectory(root)) {
                continue;
            }
            walk(root, filter, context.cancellation(), new Visitor() {
                @Override
                public void file(Node node) {
                    total[0] += node.attributes().size();
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
            if (!checkRootDirectory(root)) {
                LOG.log(System.Logger.Level.WARNING, "Root ''{0}'' (''{1}'') of module ''{2}'' does not exist;"
                        + " backing it up as empty", root.name(), root.path(), NAME);
                sink.directory(Entry.directory(root.name(), context.clock().instant(), DEFAULT_DIRECTORY_MODE));
                continue;
            }
            BasicFileAttributes rootAttributes = readAttributes(root.path());
            sink.directory(Entry.directory(root.name(), modified(rootAttributes), mode(rootAttributes, true)));
            // Directories not yet written, from the outermost; with a filter they wait for their first file.
            List<Node> pending = new ArrayList<>();
            walk(root, filter, cancellation, new Visitor() {
                @Override
                public void enterDirectory(Node node) throws IOException {
                    if (filter.isEmpty()) {
                        cancellation.throwIfCancelled();
                        sink.directory(directoryEntry(node));
                    } else {
                        pending.add(node);
                    }
                }

                @Override
                public void leaveDirectory(Node node) {
                    if (!pending.isEmpty() && pending.get(pending.size() - 1) == node) {
                        pending.remove(pending.size() - 1);
                    }
                }

                @Override
                public void file(Node node) throws IOException {
                    for (Node directory : pending) {
                        cancellation.throwIfCancelled();
                        sink.directory(directoryEntry(directory));
                    }
                    pending.clear();
                    cancellation.throwIfCancelled();
                    BasicFileAttributes a = node.attributes();
                    sink.file(Entry.file(node.entryName(), a.size(), modified(a), mode(a, false)), node.path());
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
                    staging.directories.put(staging.stage, entry);
                    continue;
                }
                String relative = name.substring(slash + 1);
                if (!filter.isEmpty() && !selects(filter, root, relative, entry)) {
                    continue;
                }
                Entry inRoot = new Entry(entry.name().substring(slash + 1), entry.directory(), entry.size(),
                        entry.modified(), entry.mode());
                Path target = entries.resolve(staging.stage, inRoot);
                if (entry.directory()) {
                    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(target);
                        Files.createDirectories(target);
                    }
                    staging.directories.put(target, entry);
                } else {
                    writeFile(entry, entries, target, staging, buffer);
                }
            }
            for (Staging staging : stagings.values()) {
                staging.applyDirectoryAttributes();
            }
        } catch (IOException | RuntimeException | Error e) {
            for (Staging staging : stagings.values()) {
                try {
                    deleteTree(staging.stage);
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        List<Swap> swaps = new ArrayList<>();
        for (Staging staging : stagings.values()) {
            swaps.add(new Swap(staging.root, staging.stage));
        }
        return new FilesRestoreStage(swaps);
    }

    /** Deletes the content of every root, keeping the root directories; checks cancellation between files. */
    @Override
    public void factoryReset(Cancellation cancellation) throws IOException {
        for (Root root : configuredRoots().values()) {
            if (!checkRootDirectory(root)) {
                continue;
            }
            for (Path child : sortedChildren(root.path())) {
                deleteTree(child, cancellation);
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

    private static boolean overlap(Path a, Path b) {
        if (a.startsWith(b) || b.startsWith(a)) {
            return true;
        }
        try {
            Path realA = a.toRealPath();
            Path realB = b.toRealPath();
            return realA.startsWith(realB) || realB.startsWith(realA);
        } catch (IOException e) {
            return false;
        }
    }

    private static BackupException invalid(String message) {
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

    /** True when the root is a directory, false when it does not exist; an error for anything else. */
    private static boolean checkRootDirectory(Root root) throws IOException {
        if (Files.isDirectory(root.path(), LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.exists(root.path(), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        throw new IOException("Root '" + root.name() + "' of module '" + NAME + "' ('" + root.path()
                + "') is not a directory");
    }

    // ---- walking

    /** A file or directory below a root. */
    private record Node(Path path, String relative, String entryName, BasicFileAttributes attributes) {
    }

    private interface Visitor {
        default void enterDirectory(Node node) throws IOException {
        }

        default void leaveDirectory(Node node) throws IOException {
        }

        void file(Node node) throws IOException;

        /** Anything else: a symbolic link, socket, FIFO or device node. */
        default void other(Node node) throws IOException {
            LOG.log(System.Logger.Level.DEBUG, "Module ''{0}'' skips ''{1}'': not a regular file or directory",
                    NAME, node.entryName());
        }
    }

    /** Walks a root depth first in name order, pruning excluded directories and skipping unselected files. */
    private static void walk(Root root, Filter filter, Cancellation cancellation, Visitor visitor) throws IOException {
        walk(root, root.path(), "", filter, cancellation, visitor);
    }

    private static void walk(Root root, Path directory, String relative, Filter filter, Cancellation cancellation,
            Visitor visitor) throws IOException {
        for (Path child : sortedChildren(directory)) {
            cancellation.throwIfCancelled();
            String childRelative = relative.isEmpty()
                    ? child.getFileName().toString() : relative + "/" + child.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = readAttributes(child);
            } catch (NoSuchFileException e) {
                continue;
            }
            Node node = new Node(child, childRelative, root.name() + "/" + childRelative, attributes);
            if (attributes.isDirectory()) {
                if (filter.excludes(root.name(), childRelative)) {
                    continue;
                }
                visitor.enterDirectory(node);
                walk(root, child, childRelative, filter, cancellation, visitor);
                visitor.leaveDirectory(node);
            } else if (attributes.isRegularFile()) {
                if (filter.selectsFile(root.name(), childRelative)) {
                    visitor.file(node);
                }
            } else {
                visitor.other(node);
            }
        }
    }

    private static List<Path> sortedChildren(Path directory) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path child : stream) {
                children.add(child);
            }
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return children;
    }

    // ---- attributes

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static BasicFileAttributes readAttributes(Path path) throws IOException {
        return posix(path)
                ? Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static Instant modified(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().toInstant();
    }

    private static int mode(BasicFileAttributes attributes, boolean directory) {
        if (attributes instanceof PosixFileAttributes posix) {
            return bits(posix.permissions());
        }
        return directory ? DEFAULT_DIRECTORY_MODE : DEFAULT_FILE_MODE;
    }

    private static Entry directoryEntry(Node node) {
        return Entry.directory(node.entryName(), modified(node.attributes()), mode(node.attributes(), true));
    }

    /** Sets permission bits (without setuid, setgid, sticky and world-write) and the modification time. */
    private static void applyAttributes(Path path, int mode, Instant modified) throws IOException {
        if (posix(path)) {
            Files.setPosixFilePermissions(path, permissions(mode & 0775));
        }
        setTimes(path, modified);
    }

    /**
     * The modification time as the entry gives it and the access time now, as tar sets them. Giving both
     * spares the JDK a stat of the file for the time it would keep: an open, a futimens and a close.
     */
    private static void setTimes(Path path, Instant modified) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class)
                .setTimes(FileTime.from(modified), FileTime.from(Instant.now()), null);
    }

    // ---- restore

    private static boolean selects(Filter filter, Root root, String relative, Entry entry) throws IOException {
        try {
            return filter.selects(root.name(), relative, entry.directory());
        } catch (InvalidPathException e) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + NAME + "' is not a valid path", e);
        }
    }

    /**
     * Writes one file of the stage. The common case, a new file in a directory the restore made, costs
     * an open, the writes and one call each for the time and, when the process's umask would strip some
     * of its permission bits, the mode.
     */
    private static void writeFile(Entry entry, EntrySource entries, Path target, Staging staging, byte[] buffer)
            throws IOException {
        Path parent = target.getParent();
        if (!parent.equals(staging.stage) && !staging.directories.containsKey(parent)) {
            Files.createDirectories(parent);
        }
        int mode = entry.mode() & 0775;
        boolean modeAtCreation = staging.creationModes != -1 && (mode & ~staging.creationModes) == 0;
        long written = 0;
        try (FileChannel out = create(target, modeAtCreation ? mode : -1)) {
            InputStream in = entries.content();
            int n;
            while ((n = in.read(buffer)) > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                written += n;
            }
        }
        if (written != entry.size()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + NAME + "' has " + written
                    + " bytes, not the declared " + entry.size());
        }
        if (modeAtCreation) {
            setTimes(target, entry.modified());
        } else {
            applyAttributes(target, entry.mode(), entry.modified());
        }
    }

    /**
     * Opens a new file for writing, never following a link; {@code mode} (-1: none) is given at creation.
     * Whatever is in the way (a file or a directory the stage kept from the live tree) is replaced.
     */
    private static FileChannel create(Path target, int mode) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = mode == -1 ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions(mode))};
        try {
            return FileChannel.open(target, options, attributes);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target);
            } else {
                Files.delete(target); // a file, or a link: removed, never followed
            }
            return FileChannel.open(target, options, attributes);
        }
    }

    /** Permission bits as a mode: {@code OWNER_READ} is 0400 ... {@code OTHERS_EXECUTE} 0001. */
    private static int bits(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    /** The inverse of {@link #bits}. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                permissions.add(p);
            }
        }
        return permissions;
    }

    /** One root being staged during {@code prepare}. */
    private static final class Staging {
        final Root root;
        final Path stage;
        /** Directories whose attributes are set once everything is written: path to the entry. */
        final Map<Path, Entry> directories = new HashMap<>();
        /** The permission bits a new file keeps when given at creation (what the umask lets through), or -1. */
        final int creationModes;

        private Staging(Root root, Path stage) throws IOException {
            this.root = root;
            this.stage = stage;
            this.creationModes = creationModes(stage);
        }

        /** Creates a probe file with every permission bit and reads back what the umask left. */
        private static int creationModes(Path stage) throws IOException {
            if (!posix(stage)) {
                return -1;
            }
            Path probe = stage.resolve(".umask-probe");
            Files.createFile(probe, PosixFilePermissions.asFileAttribute(EnumSet.allOf(PosixFilePermission.class)));
            try {
                return bits(Files.getPosixFilePermissions(probe, LinkOption.NOFOLLOW_LINKS));
            } finally {
                Files.delete(probe);
            }
        }

        static Staging create(Root root, Filter filter, Cancellation cancellation) throws IOException {
            boolean live = checkRootDirectory(root);
            Path parent = root.path().getParent();
            Files.createDirectories(parent);
            Path stage = Files.createTempDirectory(parent, "." + root.path().getFileName() + ".restore-");
            try {
                Staging staging = new Staging(root, stage);
                if (live && !filter.isEmpty()) {
                    staging.keepUnselected(filter, cancellation);
                }
                return staging;
            } catch (IOException | RuntimeException | Error e) {
                try {
                    deleteTree(stage);
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /** Copies every live directory, and every live file and link that the filter does not select. */
        private void keepUnselected(Filter filter, Cancellation cancellation) throws IOException {
            copyUnselected(root.path(), stage, "", filter, cancellation);
        }

        private void copyUnselected(Path from, Path to, String relative, Filter filter, Cancellation cancellation)
                throws IOException {
            for (Path child : sortedChildren(from)) {
                cancellation.throwIfCancelled();
                String childRelative = relative.isEmpty()
                        ? child.getFileName().toString() : relative + "/" + child.getFileName();
                BasicFileAttributes attributes;
                try {
                    attributes = readAttributes(child);
                } catch (NoSuchFileException e) {
                    continue;
                }
                Path target = to.resolve(child.getFileName().toString());
                if (attributes.isDirectory()) {
                    Files.createDirectory(target);
                    directories.put(target, Entry.directory(childRelative, modified(attributes), mode(attributes, true)));
                    copyUnselected(child, target, childRelative, filter, cancellation);
                } else if (attributes.isRegularFile() || attributes.isSymbolicLink()) {
                    if (!filter.selects(root.name(), childRelative, false)) {
                        Files.copy(child, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }

        /** Sets directory permissions and times, deepest first, after their content is written. */
        void applyDirectoryAttributes() throws IOException {
            List<Path> paths = new ArrayList<>(directories.keySet());
            paths.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.naturalOrder()));
            for (Path path : paths) {
                Entry entry = directories.get(path);
                applyAttributes(path, entry.mode(), entry.modified());
            }
        }
    }

    /** The state of one root's swap. */
    private enum SwapState { STAGED, LIVE_MOVED, COMMITTED, ROLLED_BACK, FINISHED }

    /** One root's stage and, once committed, where its previous live tree went. */
    private static final class Swap {
        final Root root;
        final Path stage;
        Path previous;
        Path discard;
        SwapState state = SwapState.STAGED;

        Swap(Root root, Path stage) {
            this.root = root;
            this.stage = stage;
        }

        Path sibling(String kind) {
            return root.path().resolveSibling("." + root.path().getFileName() + "." + kind + "-"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        }

        void commit() throws IOException {
            if (state == SwapState.ROLLED_BACK || state == SwapState.FINISHED) {
                throw new IllegalStateException("Root '" + root.name() + "' of module '" + NAME
                        + "' cannot commit in state " + state);
            }
            if (state == SwapState.STAGED) {
                if (Files.exists(root.path(), LinkOption.NOFOLLOW_LINKS)) {
                    Path target = sibling("previous");
                    Files.move(root.path(), target, StandardCopyOption.ATOMIC_MOVE);
                    previous = target;
                }
                state = SwapState.LIVE_MOVED;
            }
            if (state == SwapState.LIVE_MOVED) {
                Files.move(stage, root.path(), StandardCopyOption.ATOMIC_MOVE);
                state = SwapState.COMMITTED;
            }
        }

        void rollback() throws IOException {
            if (state == SwapState.COMMITTED) {
                Path target = sibling("discard");
                Files.move(root.path(), target, StandardCopyOption.ATOMIC_MOVE);
                discard = target;
                state = SwapState.LIVE_MOVED;
            }
            if (state == SwapState.LIVE_MOVED) {
                if (previous != null) {
                    Files.move(previous, root.path(), StandardCopyOption.ATOMIC_MOVE);
                    previous = null;
                }
                state = SwapState.STAGED;
            }
            if (state == SwapState.STAGED) {
                deleteTree(stage);
                if (discard != null) {
                    deleteTree(discard);
                    discard = null;
                }
                state = SwapState.ROLLED_BACK;
            }
        }

        void finish() throws IOException {
            if (state != SwapState.COMMITTED) {
                throw new IllegalStateException("Root '" + root.name() + "' of module '" + NAME
                        + "' cannot finish in state " + state);
            }
            if (previous != null) {
                deleteTree(previous);
                previous = null;
            }
            state = SwapState.FINISHED;
        }
    }

    /** The stage of every restored root; used by one thread at a time. */
    private static final class FilesRestoreStage implements RestoreStage {
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

        @Override
        public void rollback() throws IOException {
            IOException failure = null;
            for (int i = swaps.size() - 1; i >= 0; i--) {
                Swap swap = swaps.get(i);
                if (swap.state == SwapState.FINISHED) {
                    throw new IllegalStateException("Restore of module '" + NAME
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
                if (swap.state != SwapState.FINISHED) {
                    swap.finish();
                }
            }
        }
    }

    // ---- deleting

    private static void deleteTree(Path path) throws IOException {
        deleteTree(path, Cancellation.never());
    }

    /** Deletes a file or a tree without following symbolic links; nothing happens when it is absent. */
    private static void deleteTree(Path path, Cancellation cancellation) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (posix(dir)) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> owner = EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
                    if (!permissions.containsAll(owner)) {
                        permissions.addAll(owner);
                        Files.setPosixFilePermissions(dir, permissions);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                cancellation.throwIfCancelled();
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---- values

    /** A configured root. */
    private record Root(String name, Path path, boolean config) {
        Root {
            requireNonNull(name, "name is null");
            requireNonNull(path, "path is null");
        }
    }

    /** The {@code include} and {@code exclude} options. */
    private record Filter(List<PathMatcher> includes, List<PathMatcher> excludes) {
        static Filter of(List<String> includes, List<String> excludes) {
            return new Filter(matchers(INCLUDE, includes), matchers(EXCLUDE, excludes));
        }

        private static List<PathMatcher> matchers(String option, List<String> patterns) {
            List<PathMatcher> matchers = new ArrayList<>();
            for (String pattern : patterns) {
                if (pattern == null || pattern.isEmpty()) {
                    throw new BackupException(ErrorCode.INVALID_INPUT, "Module '" + NAME + "': option '" + option
                            + "' needs a glob pattern (got '" + pattern + "')");
                }
                try {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
                } catch (PatternSyntaxException e) {
                    throw new BackupException(ErrorCode.INVALID_INPUT, "Module '" + NAME + "': option '" + option
                            + "' is not a valid glob pattern (got '" + pattern + "'): " + e.getDescription());
                }
            }
            return List.copyOf(matchers);
        }

        boolean isEmpty() {
            return includes.isEmpty() && excludes.isEmpty();
        }

        private static boolean matches(List<PathMatcher> matchers, String rootName, String relative) {
            if (matchers.isEmpty()) {
                return false;
            }
            Path rel = Path.of(relative);
            Path full = Path.of(rootName, relative);
            for (PathMatcher m : matchers) {
                if (m.matches(rel) || m.matches(full)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether an exclude matches this path itself. */
        boolean excludes(String rootName, String relative) {
            return matches(excludes, rootName, relative);
        }

        /** Whether a file is selected, given that no parent directory is excluded. */
        boolean selectsFile(String rootName, String relative) {
            return (includes.isEmpty() || matches(includes, rootName, relative)) && !excludes(rootName, relative);
        }

        /** Whether a path is selected, checking every parent directory against the excludes too. */
        boolean selects(String rootName, String relative, boolean directory) {
            for (int i = relative.indexOf('/'); i >= 0; i = relative.indexOf('/', i + 1)) {
                if (excludes(rootName, relative.substring(0, i))) {
                    return false;
                }
            }
            return directory ? !excludes(rootName, relative) : selectsFile(rootName, relative);
        }
    }
}
