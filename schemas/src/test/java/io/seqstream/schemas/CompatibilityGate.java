package io.seqstream.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaParser;
import org.apache.avro.specific.SpecificData;

/**
 * The release rule: every schema must stay readable both ways with every released version, so old
 * and new producers and consumers can share a topic in any order of deployment.
 */
final class CompatibilityGate {

    private CompatibilityGate() {
    }

    /**
     * Why {@code current} and {@code released} cannot replace each other; empty if they can.
     * Checks new readers on old data and old readers on new data.
     */
    static List<String> problems(Schema released, Schema current) {
        List<String> problems = new ArrayList<>();
        addProblems(problems, "current reader, released writer",
                SchemaCompatibility.checkReaderWriterCompatibility(current, released));
        addProblems(problems, "released reader, current writer",
                SchemaCompatibility.checkReaderWriterCompatibility(released, current));
        return problems;
    }

    private static void addProblems(List<String> problems, String direction,
            SchemaCompatibility.SchemaPairCompatibility pair) {
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + ": " + incompatibility.getMessage());
        }
    }

    /** The released version folders (released/v1, released/v2...), oldest first. */
    static List<Path> releasedVersions() {
        try (Stream<Path> dirs = Files.list(resource("released"))) {
            return dirs.filter(dir -> dir.getFileName().toString().matches("v\\d+"))
                    .sorted(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString().substring(1))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All named schemas of one released version by full name; files may refer to each other. */
    static Map<String, Schema> load(Path versionDir) {
        SchemaParser parser = new SchemaParser();
        try (Stream<Path> files = Files.list(versionDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                parser.parse(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Schema> byName = new LinkedHashMap<>();
        for (Schema schema : parser.getParsedNamedSchemas()) {
            byName.put(schema.getFullName(), schema);
        }
        return byName;
    }

    /** The schema compiled into this module under that full name, or null if the class is gone. */
    static Schema current(String fullName) {
        try {
            return SpecificData.get().getSchema(Class.forName(fullName));
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Path resource(String name) {
        URL url = CompatibilityGate.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
