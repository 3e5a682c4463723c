package io.seqstream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a local HTML page in headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it; another
 * binary with {@code -Dchromium.binary=...}) and returns the DOM after its scripts ran and every console message
 * (script errors included). A missing browser fails, naming what to install.
 */
public final class HeadlessChromium {
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\]\\s*(.*)$");

    /** The page after load, and what it wrote to the console (uncaught errors, console.log/error). */
    public record Rendered(String dom, List<String> console) {
    }

    private HeadlessChromium() {
    }

    public static Rendered render(Path page, Path workDir) throws IOException, InterruptedException {
        String binary = System.getProperty("chromium.binary", "chromium");
        Files.createDirectories(workDir);
        Path out = workDir.resolve("dom.html");
        Path err = workDir.resolve("chromium.log");
        List<String> cmd = List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + workDir.resolve("profile"), "--enable-logging=stderr", "--v=0", "--dump-dom",
                page.toAbsolutePath().toUri().toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start '" + binary + "' (headless Chromium renders the report pages): install it with "
                    + "`apt-get install -y chromium` (.ci/run does) or pass -Dchromium.binary=PATH", e);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(binary + " did not finish loading " + page + " within 120 s");
        }
        String log = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(binary + " exited with " + p.exitValue() + " loading " + page + ":\n" + log);
        }
        List<String> console = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = CONSOLE.matcher(line);
            if (m.find()) {
                console.add(m.group(1));
            }
        }
        return new Rendered(Files.readString(out, StandardCharsets.UTF_8), List.copyOf(console));
    }
}
