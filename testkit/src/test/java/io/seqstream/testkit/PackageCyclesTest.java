package io.seqstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {
    @Test
    void findsACycleThroughImportsAndQualifiedNamesAndNoneInATree() throws IOException {
        Path root = TempDirs.create("cycles-");
        try {
            write(root, "a/A.java", "package x.a;\nimport x.b.B;\nclass A { B b; }\n");
            write(root, "b/B.java", "package x.b;\nclass B { Object c = new x.c.C(); }\n");
            write(root, "c/C.java", "package x.c;\nimport static x.a.A.f;\npublic class C {}\n");
            write(root, "d/D.java", "package x.d;\nimport x.a.A;\nimport java.util.List;\nclass D {}\n");
            Map<String, Set<String>> g = PackageCycles.graph(root, "x.");
            assertThat(g).containsEntry("x.a", Set.of("x.b")).containsEntry("x.b", Set.of("x.c")).containsEntry("x.c", Set.of("x.a"))
                    .containsEntry("x.d", Set.of("x.a"));
            assertThat(PackageCycles.cycles(g)).containsExactly(Set.of("x.a", "x.b", "x.c"));

            write(root, "c/C.java", "package x.c;\npublic class C {}\n");
            assertThat(PackageCycles.cycles(PackageCycles.graph(root, "x."))).isEmpty();
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    @Test
    void testkitHasNoPackageCycle() {
        List<Set<String>> cycles = PackageCycles.cycles(PackageCycles.graph(Path.of("src/main/java"), "io.seqstream."));
        assertThat(cycles).isEmpty();
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
