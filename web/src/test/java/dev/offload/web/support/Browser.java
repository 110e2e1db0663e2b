package dev.offload.web.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by Selenium, for tests that use the dashboard as a person would. Uses
 * the system's Chromium and chromedriver (Debian's {@code chromium} and {@code chromium-driver}); a
 * test that needs it is skipped, saying so, when they are missing.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM =
      Path.of(System.getProperty("offload.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("offload.chromedriver", "/usr/bin/chromedriver"));
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Whether this machine has a browser and its driver. */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Skips the calling test, saying why, when this machine has no browser to drive. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(
        available(),
        "no headless browser: install Debian's chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + ") to run the browser tests");
  }

  /**
   * Starts the browser, with {@code arguments} besides the usual ones, or skips the calling test
   * when there is none.
   */
  public static Browser start(String... arguments) {
    assumeAvailable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,900");
    options.addArguments(arguments);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options));
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public void width(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Waits up to ten seconds for {@code condition} to give something other than null or false. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(10))
        .pollingEvery(Duration.ofMillis(50))
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Waits until the element at {@code selector} shows exactly {@code text}. */
  public void awaitText(String selector, String text) {
    await(selector + " shows \"" + text + "\"", d -> textOf(d, selector).equals(text));
  }

  /** Waits until the element at {@code selector} shows {@code text} among the rest. */
  public void awaitTextContaining(String selector, String text) {
    await(selector + " shows \"" + text + "\"", d -> textOf(d, selector).contains(text));
  }

  private static String textOf(WebDriver driver, String selector) {
    List<WebElement> found = driver.findElements(By.cssSelector(selector));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  public WebElement find(String selector) {
    return await(
        "an element " + selector,
        d -> {
          List<WebElement> found = d.findElements(By.cssSelector(selector));
          return found.isEmpty() ? null : found.get(0);
        });
  }

  /** Clicks the element at {@code selector}, again if the page redrew it under the click. */
  public void click(String selector) {
    await(
        "a click on " + selector,
        d -> {
          d.findElement(By.cssSelector(selector)).click();
          return true;
        });
  }

  /** Clicks a destructive button twice: once to arm it, once to act. */
  public void confirm(String selector) {
    WebElement button = find(selector);
    button.click();
    button.click();
  }

  /**
   * Answers the dashboard's confirmation dialog, waiting for it to show {@code question} among its
   * text.
   */
  public void answer(String question, boolean yes) {
    awaitTextContaining("dialog.confirm[open] p", question);
    click("dialog.confirm[open] button[data-confirm='" + (yes ? "yes" : "no") + "']");
    await("the dialog closes", d -> absent("dialog.confirm[open]"));
  }

  /** Makes pages see the system's colour scheme as {@code scheme}: light or dark. */
  public void colorScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** Whether no element matches {@code selector}. */
  public boolean absent(String selector) {
    return driver.findElements(By.cssSelector(selector)).isEmpty();
  }

  public Object script(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  public boolean alertShown() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Saves what the page shows now as {@code target/screenshots/<name>.png}. */
  public Path screenshot(String name) {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Saves the whole page, also what lies below the window, as {@code
   * target/screenshots/<name>.png}.
   */
  public Path fullScreenshot(String name) {
    @SuppressWarnings("unchecked")
    List<Number> size =
        (List<Number>)
            script(
                "return [document.documentElement.scrollWidth,"
                    + " document.documentElement.scrollHeight]");
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", 0, "y", 0, "width", size.get(0), "height", size.get(1), "scale", 1)));
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
