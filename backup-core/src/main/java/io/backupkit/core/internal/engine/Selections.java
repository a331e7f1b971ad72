package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Json;
import io.backupkit.api.ModuleOption;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.Violation;
import io.backupkit.spi.BackupModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which modules an operation covers, with their options: what a {@code content_info} asks for, checked
 * against the installed modules before anything starts. Every unknown module and option is reported at
 * once, each with its field path.
 */
final class Selections {
    /** A module chosen for an operation, with the options it is given. */
    record Selected(String name, BackupModule module, List<ModuleOption> options) {
    }

    private static final String NO_BACKUP_MODULE = "No installed module can back up";

    private final Plugins plugins;

    Selections(Plugins plugins) {
        this.plugins = plugins;
    }

    /** The modules a backup covers: those asked for, or every module that can back up. */
    List<Selected> forBackup(ContentInfo contents) {
        if (contents.modules() == null) {
            List<Selected> selected = new ArrayList<>();
            plugins.modules().forEach((name, module) -> {
                if (module.canBackup()) {
                    selected.add(new Selected(name, module, List.of()));
                }
            });
            if (selected.isEmpty()) {
                throw new BackupException(ErrorCode.INVALID_INPUT, NO_BACKUP_MODULE);
            }
            return selected;
        }
        List<Violation> violations = new ArrayList<>();
        List<Selected> selected = select(contents, "content_info", violations);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return selected;
    }

    /**
     * What keeps a backup of {@code contents} from starting now, as {@link #forBackup} would refuse it, each
     * violation under {@code path} ({@code scheduled_backup.contents}); empty when nothing does.
     */
    List<Violation> checkBackup(ContentInfo contents, String path) {
        List<Violation> violations = new ArrayList<>();
        if (contents.modules() != null) {
            select(contents, path, violations);
        } else if (backupModuleNames().isEmpty()) {
            violations.add(new Violation(path, "asks for every module that can back up, and none is installed", null));
        }
        return violations;
    }

    private List<Selected> select(ContentInfo contents, String root, List<Violation> violations) {
        List<Selected> selected = new ArrayList<>();
        for (int i = 0; i < contents.modules().size(); i++) {
            ModuleSelection selection = contents.modules().get(i);
            String path = root + ".modules[" + i + "]";
            BackupModule module = plugins.module(selection.module());
            if (module == null || !module.canBackup()) {
                violations.add(new Violation(path + ".module", "must be an installed backup module ("
                        + String.join(", ", backupModuleNames()) + ")", Json.render(selection.module())));
                continue;
            }
            checkOptions(module, selection.options(), path, violations);
            selected.add(new Selected(selection.module(), module, selection.options()));
        }
        return selected;
    }

    private List<String> backupModuleNames() {
        return plugins.modules().entrySet().stream().filter(e -> e.getValue().canBackup()).map(Map.Entry::getKey)
                .toList();
    }

    private static void checkOptions(BackupModule module, List<ModuleOption> options, String path,
            List<Violation> violations) {
        List<String> supported = module.info().supportedOptions(); // read once per request
        for (int j = 0; j < options.size(); j++) {
            ModuleOption option = options.get(j);
            String at = path + ".options[" + j + "].name";
            if (option.name() == null) {
                violations.add(new Violation(at, "is required", null));
            } else if (!supported.contains(option.name())) {
                violations.add(new Violation(at, supported.isEmpty()
                        ? "must not be given: module '" + module.info().shortName() + "' takes no options"
                        : "must be one of " + String.join(", ", supported), Json.render(option.name())));
            }
        }
    }

    /** The modules a restore covers: those requested (or all in the backup), each in the backup and installed. */
    List<Selected> forRestore(CompletedBackup backup, ContentInfo request) {
        Map<String, ModuleSelection> inBackup = new LinkedHashMap<>();
        backup.contents().selectedModules().orElse(List.of()).forEach(s -> inBackup.put(s.module(), s));
        List<Selected> selected = new ArrayList<>();
        if (request == null || request.modules() == null) {
            for (ModuleSelection s : inBackup.values()) {
                BackupModule module = plugins.module(s.module());
                if (module == null || !module.canRestore()) {
                    throw new BackupException(ErrorCode.NOT_SUPPORTED, "Backup '" + backup.id() + "' contains module '"
                            + s.module() + "', which is not installed here or cannot restore; choose the modules"
                            + " to restore");
                }
                selected.add(new Selected(s.module(), module, s.options()));
            }
            return selected;
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < request.modules().size(); i++) {
            ModuleSelection s = request.modules().get(i);
            String path = "content_info.modules[" + i + "]";
            if (!inBackup.containsKey(s.module())) {
                violations.add(new Violation(path + ".module", "must be a module of backup '" + backup.id() + "' ("
                        + String.join(", ", inBackup.keySet()) + ")", Json.render(s.module())));
                continue;
            }
            BackupModule module = plugins.module(s.module());
            if (module == null || !module.canRestore()) {
                violations.add(new Violation(path + ".module", "must be an installed module that can restore",
                        Json.render(s.module())));
                continue;
            }
            checkOptions(module, s.options(), path, violations);
            List<ModuleOption> options = s.options().isEmpty() ? inBackup.get(s.module()).options() : s.options();
            selected.add(new Selected(s.module(), module, options));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return selected;
    }

    /** The {@code content_info} a backup of these modules captures. */
    static ContentInfo captured(ContentInfo requested, List<Selected> selected) {
        return new ContentInfo(requested.configOnly(), selected.stream()
                .map(s -> new ModuleSelection(s.name(), s.options())).toList());
    }

    /** One module's result in an operation's info: {@code {"module", "result", "reason"?}}. */
    static Map<String, Object> result(String module, String result, String reason) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("module", module);
        r.put("result", result);
        if (reason != null) {
            r.put("reason", reason);
        }
        return r;
    }
}
