package io.backupkit.api;

import java.util.List;

/**
 * One item of the spec's {@code module_list}: a module chosen for a backup or a restore and its
 * options.
 *
 * @param module the module's short name; never null
 * @param options the options for that module; never null, possibly empty
 */
public record ModuleSelection(String module, List<ModuleOption> options) {
    public ModuleSelection {
        options = Checker.copyOrNull(options);
        Checker c = new Checker("module_list[]");
        c.required("module", module);
        c.pattern("module", module, ModuleInfo.SHORT_NAME);
        c.required("options", options);
        c.throwIfAny();
    }

    /** A module with no options. */
    public static ModuleSelection of(String module) {
        return new ModuleSelection(module, List.of());
    }
}
