package com.datasaas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which feature package may use which: the table in docs/architecture.md ("Packages"), enforced. A new dependency
 * between features is a design decision: change the table there and here together.
 */
class PackageBoundariesTest {
    static final String ROOT = "com.datasaas";

    /** Feature -> the features it may use (besides itself). Keep in step with docs/architecture.md. */
    static final Map<String, Set<String>> MAY_USE = new LinkedHashMap<>();

    static {
        MAY_USE.put("app", Set.of("ingest")); // only to enable ingest's settings at start-up
        MAY_USE.put("accounts", Set.of("app"));
        MAY_USE.put("sites", Set.of("app", "accounts"));
        MAY_USE.put("enrich", Set.of("app"));
        MAY_USE.put("events", Set.of("app", "sites", "sql"));
        MAY_USE.put("goals", Set.of("app", "accounts", "sites"));
        MAY_USE.put("ingest", Set.of("app", "enrich", "events", "realtime", "sites"));
        MAY_USE.put("realtime", Set.of("app", "accounts", "events", "revenue", "sites", "sql"));
        MAY_USE.put("revenue", Set.of("app", "accounts", "events", "sites"));
        MAY_USE.put("stats", Set.of("app", "accounts", "events", "goals", "ingest", "revenue", "sites", "sql"));
        MAY_USE.put("sql", Set.of());
        MAY_USE.put("funnels", Set.of("app", "accounts", "events", "goals", "revenue", "sites", "sql", "stats"));
        MAY_USE.put("operations", Set.of("app", "accounts", "enrich", "events"));
        MAY_USE.put(
                "cli", Set.of("app", "accounts", "enrich", "events", "migration", "operations", "revenue", "stats"));
        MAY_USE.put("migration", Set.of("events", "stats"));
        MAY_USE.put("dashboard", Set.of());
        MAY_USE.put("tracker", Set.of());
        MAY_USE.put("visitors", Set.of("app", "accounts", "events", "ingest", "revenue", "sites", "sql", "stats"));
    }

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void every_feature_package_is_in_the_table() {
        Set<String> packages = CLASSES.stream()
                .map(c -> c.getPackageName())
                .filter(p -> p.startsWith(ROOT + "."))
                .map(p -> p.substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(packages)
                .as("feature packages; add a new one to MAY_USE and docs/architecture.md")
                .isEqualTo(new TreeSet<>(MAY_USE.keySet()));
    }

    @Test
    void features_use_only_the_features_the_table_allows() {
        for (Map.Entry<String, Set<String>> entry : MAY_USE.entrySet()) {
            String feature = entry.getKey();
            List<String> forbidden = MAY_USE.keySet().stream()
                    .filter(other -> !other.equals(feature) && !entry.getValue().contains(other))
                    .map(other -> ROOT + "." + other + "..")
                    .toList();
            if (forbidden.isEmpty()) continue;
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + "." + feature + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because("docs/architecture.md lets " + feature + " use only " + entry.getValue())
                    .check(CLASSES);
        }
    }
}
