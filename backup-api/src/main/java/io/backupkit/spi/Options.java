package io.backupkit.spi;

import io.backupkit.api.ModuleOption;
import java.util.List;

final class Options {
    private Options() {
    }

    static List<String> values(List<ModuleOption> options, String name) {
        return options.stream().filter(o -> name.equals(o.name())).map(ModuleOption::value).toList();
    }
}
