package io.seqstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependency graph of a source tree, read from each file's {@code package} and {@code import} lines
 * (and fully qualified names in the code), and its cycles: strongly connected components of more than one package.
 */
public final class PackageCycles {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);

    private PackageCycles() {
    }

    /** Package -> the packages under {@code prefix} it uses, for every .java file under {@code sourceRoot}. */
    public static Map<String, Set<String>> graph(Path sourceRoot, String prefix) {
        Map<String, Set<String>> edges = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + sourceRoot.toAbsolutePath(), e);
        }
        List<String[]> refs = new ArrayList<>();
        for (Path f : files) {
            String src;
            try {
                src = Files.readString(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            Matcher pm = PACKAGE.matcher(src);
            if (!pm.find()) {
                continue;
            }
            String pkg = pm.group(1);
            edges.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher im = IMPORT.matcher(src);
            while (im.find()) {
                refs.add(new String[]{ pkg, im.group(1) });
            }
            // fully qualified uses in the code, e.g. io.seqstream.jobs.config.JobConfig.of(...)
            Matcher fq = Pattern.compile("\\b(" + Pattern.quote(prefix) + "[\\w.]*\\.[A-Z]\\w*)")
                    .matcher(src.replaceAll("(?m)^(package|import) .*$", ""));
            while (fq.find()) {
                refs.add(new String[]{ pkg, fq.group(1) });
            }
        }
        for (String[] r : refs) {
            String target = packageOf(r[1], edges.keySet());
            if (target != null && target.startsWith(prefix) && !target.equals(r[0])) {
                edges.get(r[0]).add(target);
            }
        }
        return edges;
    }

    /** The cycles of {@code graph}: each a sorted set of the packages that reach one another. */
    public static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        // Tarjan's strongly connected components.
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = { 0 };
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> scc = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1) {
                out.add(scc);
            }
        }
    }

    /** The package of a class name (or of a static member's class): the longest known package prefix, else the part before the first capital. */
    private static String packageOf(String name, Set<String> known) {
        String best = null;
        for (String p : known) {
            if (name.startsWith(p + ".") && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        if (best != null) {
            return best;
        }
        String[] parts = name.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
