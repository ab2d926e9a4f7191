"""The web dashboard in real headless Chromium against a real `csm server` (fake agent in tmux on a private
socket, temp git repo, fake Linear and usage endpoints). Run by scripts/test.sh after the Swift tests, or alone:
`python3 -m unittest discover -s Tests/Browser -v`. Screenshots of every page (desktop and phone width) go to
.artifacts/screenshots/ (git-ignored)."""
import json
import os
import subprocess
import time
import unittest

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import HAS_INTEGRATIONS, ROOT, World

SHOTS = os.path.join(ROOT, ".artifacts", "screenshots")
XSS = '<img src=x onerror="window.__xss=1">'


def chrome():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))


class DashboardTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = World()
        cls.driver = None
        try:
            cls.world.start({"alpha": {}, "beta": {"linear": "ENG-1"}, "epsilon": {}})
            cls.world.wait(lambda: {"csm-alpha", "csm-beta", "csm-epsilon"} <= set(cls.world.tmux_sessions()),
                           what="the declared sessions in tmux")
            cls.driver = chrome()
            cls.driver.get(cls.world.login_url)
            cls.wait_for(lambda: cls.driver.find_elements(By.CSS_SELECTOR, "#sessions tr[data-session]"), "the session table")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()
        cls.world.stop()

    def tearDown(self):
        # A failed test leaves its screenshot, the page's text and the browser log for the report.
        outcome = getattr(self, "_outcome", None)
        failed = outcome is not None and any(error for _, error in getattr(outcome, "errors", []) or []) \
            or (outcome is not None and getattr(outcome, "result", None) is not None
                and any(test is self for test, _ in outcome.result.failures + outcome.result.errors))
        if failed:
            folder = os.path.join(ROOT, ".artifacts", "failures")
            os.makedirs(folder, exist_ok=True)
            self.driver.save_screenshot(os.path.join(folder, self._testMethodName + ".png"))
            with open(os.path.join(folder, self._testMethodName + ".txt"), "w") as f:
                f.write(self.driver.current_url + "\n\n")
                f.write(self.driver.execute_script("return document.body.innerText") or "")
                f.write("\n\n" + json.dumps(self.driver.get_log("browser"), indent=1))
                f.write("\n\nserver:\n" + "".join(self.world.output[-80:]))
                probe = self.driver.execute_async_script("""
                    const done = arguments[arguments.length - 1];
                    const t0 = performance.now();
                    const timer = setTimeout(() => done('fetch /api/health still pending after 5 s'), 5000);
                    fetch('/api/health').then(r => { clearTimeout(timer); done('fetch ok ' + r.status + ' in ' + (performance.now() - t0)); });""")
                f.write("\n\nprobe: " + probe + "\nresources: " + json.dumps(self.driver.execute_script(
                    "return performance.getEntriesByType('resource').map(e => [e.name, Math.round(e.duration), e.responseEnd])")))

    def setUp(self):
        # Filters, tabs and views are remembered per browser; every test starts from the defaults.
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear()")

    # ---- helpers ------------------------------------------------------------------------------------------
    @classmethod
    def wait_for(cls, predicate, what="condition", timeout=30):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except (StaleElementReferenceException, WebDriverException) as error:
                last = error
            time.sleep(0.15)
        raise AssertionError("timed out waiting for %s (%s)" % (what, last))

    def open(self, hash_route):
        # A fresh load every time (a query that changes per call): the same URL with the same hash would not reload.
        DashboardTests.loads = getattr(DashboardTests, "loads", 0) + 1
        self.driver.get("%s/?v=%d%s" % (self.world.base, DashboardTests.loads, hash_route))
        self.wait_for(lambda: self.driver.execute_script("return !document.getElementById('view').hasAttribute('aria-busy') && document.getElementById('view').childElementCount > 0"),
                      "the page " + hash_route)

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector, what=None):
        return self.wait_for(lambda: (self.css(selector) or [None])[0], what or selector)

    def click(self, selector):
        """Clicks the element once it exists, scrolled to the middle (clear of the sticky footer), retrying when a
        live redraw replaced it."""
        def attempt():
            element = self.one(selector)
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
            return True
        self.wait_for(attempt, "clicking " + selector)

    def text(self, selector):
        return self.wait_for(lambda: self.one(selector).text, selector)

    def no_xss(self):
        self.assertIsNone(self.driver.execute_script("return window.__xss === undefined ? null : window.__xss"),
                          "untrusted text ran as script")

    def row_status(self, name):
        rows = self.css('#sessions tr[data-session="%s"] .status' % name)
        return rows[0].text if rows else None

    # ---- tests --------------------------------------------------------------------------------------------
    def test_01_lists_sessions_and_updates_status_live(self):
        self.open("#/")
        self.one('#sessions tr[data-session="alpha"]')
        self.assertTrue(self.css('#sessions tr[data-session="beta"] .tag-linear'))
        self.world.hook("alpha", "SessionStart", source="startup")
        self.wait_for(lambda: self.row_status("alpha") == "Idle", "alpha idle")
        self.world.hook("alpha", "UserPromptSubmit", prompt="go")
        self.wait_for(lambda: self.row_status("alpha") == "Working", "alpha working, without a reload")
        self.world.hook("alpha", "Stop")
        self.wait_for(lambda: self.row_status("alpha") == "Idle", "alpha idle again")

    def test_02_search_and_status_chip(self):
        self.world.hook("epsilon", "SessionStart", source="startup")
        self.world.hook("epsilon", "UserPromptSubmit", prompt="work")
        self.open("#/")
        search = self.one("[data-search]")
        search.clear()
        search.send_keys("ENG-1")
        self.wait_for(lambda: [r.get_attribute("data-session") for r in self.css("#sessions tr[data-session]")] == ["beta"], "search by issue")
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys(Keys.BACKSPACE)
        self.wait_for(lambda: len(self.css("#sessions tr[data-session]")) >= 3, "all rows back")
        self.click('.chip[data-status="working"]')
        self.wait_for(lambda: [r.get_attribute("data-session") for r in self.css("#sessions tr[data-session]")] == ["epsilon"], "working chip")
        self.wait_for(lambda: self.text('.chip[data-status="working"] .count') == "1", "the chip's count")
        self.click('.chip[data-status="all"]')
        self.wait_for(lambda: len(self.css("#sessions tr[data-session]")) >= 3, "all chip")
        self.world.hook("epsilon", "Stop")

    def test_03_approval_dialog_allow(self):
        self.world.hook("alpha", "SessionStart", source="startup")
        self.open("#/s/alpha")
        thread, result = self.world.hook_async("alpha", "PreToolUse", tool_name="Bash",
                                               tool_input={"command": "npm test -- --grep " + XSS}, tool_use_id="toolu_allow")
        dialog = self.one("#approval-dialog", "the approval dialog to pop up")
        self.assertIn("npm test", self.one("#approval-input").text)
        self.assertIn(XSS, self.one("#approval-input").text, "tool input is shown as text")
        self.no_xss()
        self.click("#approve-allow")
        thread.join(30)
        self.assertEqual(result.get("answer", {}).get("decision"), "allow", result)
        session = self.world.session("alpha")
        self.assertEqual(session["pendingApprovals"], [])
        self.wait_for(lambda: not self.css("#approval-dialog"), "the dialog to close")
        del dialog

    def test_04_approval_keys_and_always_allow_rule(self):
        self.open("#/s/alpha")
        thread, result = self.world.hook_async("alpha", "PreToolUse", tool_name="Bash",
                                               tool_input={"command": "rm -rf build"}, tool_use_id="toolu_deny")
        self.one("#approval-dialog")
        ActionChains(self.driver).send_keys("n").perform()
        thread.join(30)
        self.assertEqual(result.get("answer", {}).get("decision"), "deny", result)

        thread, result = self.world.hook_async("alpha", "PreToolUse", tool_name="Bash",
                                               tool_input={"command": "git status -s"}, tool_use_id="toolu_always")
        self.wait_for(lambda: self.css("#approval-dialog") and "git status" in self.one("#approval-input").text, "the next request")
        self.click("#approve-always-allow")
        thread.join(30)
        self.assertEqual(result.get("answer", {}).get("decision"), "allow", result)
        self.open("#/rules")
        self.wait_for(lambda: any("git status:*" in r.text for r in self.css("#rules .rule")), "the derived rule on the rules page")

    def test_05_rules_reorder_by_drag_and_buttons_and_test(self):
        rules = [{"tool": "Read", "action": "allow"}, {"tool": "Bash", "pattern": "npm test*", "action": "allow"},
                 {"tool": "Bash", "pattern": "rm *", "action": "deny"}]
        status, _ = self.world.api("PUT", "/api/config/rules", {"rules": rules})
        self.assertEqual(status, 200)
        self.open("#/rules")
        self.wait_for(lambda: len(self.css("#rules .rule")) == 3, "three rules")
        self.wait_for(lambda: "Drag" in self.one("#drag-note").text, "Sortable loaded")
        grips = self.css("#rules .rule .grip")
        target = self.css("#rules .rule")[0]
        actions = ActionChains(self.driver)
        actions.click_and_hold(grips[2]).pause(0.2)
        for _ in range(6):
            actions.move_by_offset(0, -12).pause(0.05)
        actions.move_to_element(target).move_by_offset(0, -8).pause(0.3).release().perform()
        order = lambda: [(r["tool"], r.get("pattern"), r["action"]) for r in self.world.api("GET", "/api/config/rules")[1]["rules"]]
        self.wait_for(lambda: order()[0] == ("Bash", "rm *", "deny"), "the dragged rule first in csm.yaml")
        self.wait_for(lambda: self.css("#rules .rule")[0].get_attribute("data-rule") == "Bash|rm *|deny", "the page redrawn")
        # The arrow buttons move a rule too.
        self.css('#rules .rule')[1].find_element(By.CSS_SELECTOR, '[data-move="down"]').click()
        self.wait_for(lambda: order()[2] == ("Read", None, "allow"), "moved down with the button")
        # The tester decides a sample call with the same matcher as the hook.
        tool = self.one("#test-tool")
        tool.clear()
        tool.send_keys("Bash")
        self.one("#test-input").send_keys("rm -rf /tmp/x")
        self.click("#test-run")
        self.wait_for(lambda: "deny" in self.one("#test-result").text and "rule 1" in self.one("#test-result").text, "the tester's answer")

    def test_05b_rules_add_edit_delete(self):
        self.open("#/rules")
        count = len(self.wait_for(lambda: self.css("#rules .rule"), "the rules"))
        self.click("#add-rule")
        tool = self.one("#rule-tool")
        tool.clear()
        tool.send_keys("WebFetch")
        self.one("#rule-pattern").send_keys("domain:docs.swift.org")
        self.click("#rule-save")
        rules = lambda: self.world.api("GET", "/api/config/rules")[1]["rules"]
        self.wait_for(lambda: rules()[-1] == {"tool": "WebFetch", "pattern": "domain:docs.swift.org", "action": "allow"}, "the rule added")
        self.wait_for(lambda: len(self.css("#rules .rule")) == count + 1, "the new row")
        self.css("#rules .rule")[-1].find_element(By.CSS_SELECTOR, 'button[title="Edit"]').click()
        action = self.one("#rule-action")
        action.find_element(By.CSS_SELECTOR, 'option[value="deny"]').click()
        self.click("#rule-save")
        self.wait_for(lambda: rules()[-1]["action"] == "deny", "the rule edited")
        self.wait_for(lambda: self.css("#rules .rule")[-1].get_attribute("data-rule") == "WebFetch|domain:docs.swift.org|deny", "the row redrawn")
        self.css("#rules .rule")[-1].find_element(By.CSS_SELECTOR, 'button[title="Delete"]').click()
        self.click("dialog.modal .btn-danger")
        self.wait_for(lambda: len(rules()) == count, "the rule deleted")
        with open(os.path.join(self.world.root, "csm.yaml")) as f:
            self.assertIn("# browser test workspace", f.read(), "comments kept")

    def test_06_create_session_through_the_form(self):
        self.open("#/new")
        name = self.one("#name")
        name.send_keys("bad name!")
        self.wait_for(lambda: "letters" in self.one("#error-name").text, "inline validation")
        name.clear()
        name.send_keys("gamma")
        self.one("#prompt").send_keys("Say hello")
        self.click('#create-form button[type="submit"]')
        self.world.wait(lambda: "csm-gamma" in self.world.tmux_sessions(), what="csm-gamma in tmux")
        self.wait_for(lambda: self.driver.current_url.endswith("#/s/gamma"), "the new session's page")
        with open(os.path.join(self.world.root, "csm.yaml")) as f:
            self.assertIn("gamma:", f.read())

    def test_07_log_streams_assistant_text_and_formats_tools(self):
        w = self.world
        w.hook("beta", "SessionStart", source="startup")
        self.open("#/s/beta")
        self.one("#log")
        w.prompt("beta", "Please fix the login bug")
        w.hook("beta", "UserPromptSubmit", prompt="Please fix the login bug")
        self.wait_for(lambda: any("Please fix the login bug" in e.text for e in self.css('#log [data-kind="prompt"]')), "the prompt")
        text = "I found the problem in the redirect handler. " + XSS + " The next parameter is not validated before use."
        w.say("beta", text)
        self.wait_for(lambda: any("redirect handler" in e.text for e in self.css('#log [data-kind="assistant"]')), "assistant text streaming in")
        self.wait_for(lambda: any(e.text == text for e in self.css('#log [data-kind="assistant"]')), "the whole assistant text")
        self.assertFalse(self.css("#log img"), "assistant text is not HTML")
        w.tool_use("beta", "toolu_b1", "Bash", {"command": "swift test --filter Login"})
        w.tool_result("beta", "toolu_b1", "Test Suite 'Login' passed")
        w.tool_use("beta", "toolu_b2", "Edit", {"file_path": "/src/Login.swift", "old_string": "a\nb", "new_string": "a\nb\nc"})
        w.tool_result("beta", "toolu_b2", "permission denied", is_error=True)
        bash = self.one('#log details[data-tool="Bash"]')
        self.assertIn("swift test --filter Login", bash.text)
        edit = self.one('#log details[data-tool="Edit"]')
        self.wait_for(lambda: "+3" in edit.text and "−2" in edit.text, "Edit's line counts")
        self.wait_for(lambda: "tool-error" in edit.get_attribute("class"), "the error highlighted")
        self.assertFalse(bash.get_attribute("open"), "results are collapsed by default")
        self.click("#expand-tools")
        self.wait_for(lambda: self.one('#log details[data-tool="Bash"]').get_attribute("open") is not None, "expand tools")
        self.wait_for(lambda: "passed" in self.one('#log details[data-tool="Bash"] [data-kind="result"]').text, "the result")
        self.click("#expand-tools")
        self.no_xss()

    def test_08_message_box_sends_untrusted_text_as_text(self):
        self.world.hook("alpha", "SessionStart", source="startup")
        self.open("#/s/alpha")
        box = self.one("#message")
        self.wait_for(lambda: box.is_enabled(), "the message box")
        box.send_keys("first line")
        box.send_keys(Keys.SHIFT, Keys.ENTER)
        box.send_keys(XSS)
        box.send_keys(Keys.ENTER)
        self.wait_for(lambda: any(XSS in e.text and "first line" in e.text for e in self.css('#log [data-kind="prompt"]')), "the sent message in the log")
        self.assertFalse(self.css("#log img"))
        self.no_xss()
        self.assertEqual(box.get_attribute("value"), "")

    def test_09_changes_and_diff_render(self):
        tree = self.world.worktree("alpha")
        with open(os.path.join(tree, "README.md"), "a") as f:
            f.write("a new line\n")
        with open(os.path.join(tree, "README.md")) as f:
            content = f.read().replace("line two\n", "")
        with open(os.path.join(tree, "README.md"), "w") as f:
            f.write(content)
        with open(os.path.join(tree, XSS + ".txt"), "w") as f:
            f.write("hello\n")
        self.open("#/s/alpha")
        self.click("#tab-changes")
        self.wait_for(lambda: len(self.css("#file-list .file-item")) == 2, "two changed files")
        names = [e.get_attribute("data-file") for e in self.css("#file-list .file-item")]
        self.assertIn(XSS + ".txt", names)
        self.assertTrue(any(XSS in e.text for e in self.css("#file-list .file-item")), "the file name shown as text")
        self.click('#file-list .file-item[data-file="README.md"]')
        self.wait_for(lambda: self.css("#diff-table tr.add") and self.css("#diff-table tr.del"), "added and removed lines")
        added = self.css("#diff-table tr.add")[0]
        self.assertIn("a new line", added.text)
        gutters = [c.text for c in self.css("#diff-table tr.del td.ln")]
        self.assertIn("4", gutters, "old line number of the removed line")
        self.assertFalse(self.css("#file-list img, #diff img"))
        self.no_xss()
        self.click("#tab-log")
        subprocess.run(["git", "-C", tree, "checkout", "--", "README.md"], check=True)
        os.remove(os.path.join(tree, XSS + ".txt"))

    def test_10_plan_page_applies(self):
        subprocess.run(["tmux", "-L", self.world.socket, "kill-session", "-t", "=csm-epsilon"], check=True)
        self.open("#/plan")
        self.wait_for(lambda: 'session "epsilon" will be started' in self.text("#plan-text"), "the plan of this moment")
        self.assertTrue(self.css('#plan-table tr[data-session="epsilon"] .outcome-pending'))
        os.makedirs(SHOTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(SHOTS, "plan-pending-desktop.png"))
        self.click("#apply")
        self.world.wait(lambda: "csm-epsilon" in self.world.tmux_sessions(), what="epsilon started by the Plan page's Apply")
        self.wait_for(lambda: self.css('#pass-table tr[data-session="epsilon"] .outcome-succeeded'), "the outcome of the pass")
        self.wait_for(lambda: "No changes" in self.text("#plan-text"), "in sync afterwards")

    def test_11_settings_token_show_and_rotate(self):
        self.open("#/settings")
        self.click("#show-token")
        self.wait_for(lambda: self.one("#token-value").text == self.world.token, "the token shown on demand")
        old = self.world.token
        self.click("#rotate-token")
        self.click("dialog.modal .btn-danger")
        self.wait_for(lambda: self.world.token != old, "a new token in the file")
        self.wait_for(lambda: self.one("#token-value").text == self.world.token, "the new token shown")
        status, _ = self.world.api("POST", "/api/sessions/alpha/favorite")
        self.assertEqual(status, 200, "the new token works")
        self.open("#/")
        star = '#sessions tr[data-session="alpha"] .icon-btn[aria-pressed]'
        self.wait_for(lambda: self.one(star).get_attribute("aria-pressed") == "true", "the favorite shown")
        self.click(star)
        self.wait_for(lambda: not self.world.session("alpha")["favorite"], "unstarred through the cookie after rotation")

    @unittest.skipUnless(HAS_INTEGRATIONS, "needs the Linear routes (CSMIntegrations)")
    def test_12_tasks_render_linear_markdown_sanitized(self):
        self.open("#/tasks")
        self.click('.issue-card[data-issue="ENG-1"]')
        description = self.one("#issue-description .markdown")
        self.wait_for(lambda: description.find_elements(By.CSS_SELECTOR, "strong"), "Markdown rendered")
        self.assertEqual(self.one("#issue-title").text, "Fix the <b>login</b> redirect")
        self.assertFalse(description.find_elements(By.CSS_SELECTOR, "script, img, [onerror]"))
        self.assertIn("<script>window.__xss=2</script>", description.text, "raw HTML is shown as text")
        self.assertIn('onerror="window.__xss=1"', description.text)
        for link in description.find_elements(By.CSS_SELECTOR, "a"):
            self.assertFalse((link.get_attribute("href") or "").startswith("javascript:"))
        time.sleep(0.3)
        self.no_xss()
        self.wait_for(lambda: "next" in self.one("#comments").text, "the comments")
        state = self.one("#issue-state-change")
        self.wait_for(lambda: state.find_elements(By.CSS_SELECTOR, "option"), "the states")
        state.find_element(By.CSS_SELECTOR, 'option[value="st-done"]').click()
        self.world.wait(lambda: self.world.linear.find("ENG-1")["stateId"] == "st-done", what="the state changed in Linear")
        self.one("#comment-body").send_keys("Looking into it")
        self.click("#comment-submit")
        self.wait_for(lambda: self.css("#comments .comment") and "Looking into it" in self.css("#comments .comment")[0].text, "the new comment first")

    @unittest.skipUnless(HAS_INTEGRATIONS, "needs /api/claude-usage (CSMIntegrations)")
    def test_13_usage_bars_in_footer(self):
        self.open("#/")
        bar = self.one('#usage [data-window="5h"]', "the 5-hour usage bar")
        self.wait_for(lambda: "62%" in bar.text, "62 % used")
        self.assertTrue(self.css('#usage [data-window="5h"] .usage-pace'), "the pace marker")
        self.assertTrue(self.css('#usage [data-window="Opus"]'))

    def test_14_global_keys(self):
        self.open("#/")
        body = self.driver.find_element(By.TAG_NAME, "body")
        body.send_keys("n")
        self.wait_for(lambda: self.driver.current_url.endswith("#/new"), "n opens the create page")
        self.one("#name").send_keys("n")
        self.assertTrue(self.driver.current_url.endswith("#/new"), "keys are ignored while typing")
        self.one("#name").send_keys(Keys.ESCAPE)
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        self.wait_for(lambda: not self.driver.current_url.endswith("#/new"), "Esc goes back")
        self.open("#/")
        self.driver.find_element(By.TAG_NAME, "body").send_keys("/")
        self.wait_for(lambda: self.driver.switch_to.active_element.get_attribute("data-search") is not None, "/ focuses search")
        self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        self.driver.find_element(By.TAG_NAME, "body").send_keys("?")
        self.wait_for(lambda: self.css("dialog.modal dl.keys"), "? shows the keys")
        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()

    def test_15_reconnecting_stream_shows_banner_and_resumes(self):
        self.open("#/")
        self.one('#conn .conn-live', "live")
        # Drop the shared stream from the page's side: the banner shows, then it reconnects from the last id.
        self.driver.execute_script("document.dispatchEvent(new CustomEvent('csm:drop-stream'))")
        self.wait_for(lambda: self.one("#lost-banner").is_displayed(), "the lost-connection banner")
        self.world.hook("alpha", "UserPromptSubmit", prompt="while away")
        self.wait_for(lambda: not self.one("#lost-banner").is_displayed(), "reconnected")
        self.wait_for(lambda: self.row_status("alpha") == "Working", "the event missed while away arrives")
        self.world.hook("alpha", "Stop")

    def test_15b_kill_refused_when_work_would_be_lost_and_card_view(self):
        tree = self.world.worktree("alpha")
        with open(os.path.join(tree, "unsaved.txt"), "w") as f:
            f.write("work that exists nowhere else\n")
        self.open("#/")
        self.click('button[data-view="cards"]')
        self.one('.cards .session-card[data-session="alpha"]')
        self.click('.session-card[data-session="alpha"] button[title="Kill"]')
        self.click("dialog.modal .btn-danger")
        self.wait_for(lambda: "work would be lost" in self.text("#blocked-dialog"), "the nothing-lost refusal")
        self.click("#blocked-dialog .btn-ghost")
        self.assertIn("csm-alpha", self.world.tmux_sessions())
        with open(os.path.join(self.world.root, "csm.yaml")) as f:
            self.assertIn("alpha:", f.read(), "csm.yaml unchanged")
        os.remove(os.path.join(tree, "unsaved.txt"))
        self.click('button[data-view="table"]')

    def test_15c_run_a_script_from_the_session_page(self):
        self.open("#/s/beta")
        run = self.wait_for(lambda: [b for b in self.css(".page-actions button") if b.text == "Run"], "the Run button")[0]
        run.click()
        self.click("dialog.modal .chip")
        def terminal():
            return subprocess.run(["tmux", "-L", self.world.socket, "capture-pane", "-p", "-t", "=csm-beta:terminal"],
                                  capture_output=True, text=True).stdout
        self.world.wait(lambda: "tests-ok" in terminal(), what="the script's output in the terminal window")

    def test_16_archive_page_restores(self):
        status, body = self.world.api("POST", "/api/sessions/gamma/archive")
        self.assertEqual(status, 200, body)
        self.world.wait(lambda: "csm-gamma" not in self.world.tmux_sessions(), what="gamma archived")
        self.open("#/archive")
        self.click('tr[data-archived="gamma"] button')
        self.click("dialog.modal .btn-primary")
        self.world.wait(lambda: "csm-gamma" in self.world.tmux_sessions(), what="gamma restored in tmux")
        self.wait_for(lambda: self.driver.current_url.endswith("#/s/gamma"), "the restored session's page")

    def test_17_merge_and_archive_from_the_session_page(self):
        tree = self.world.worktree("epsilon")
        with open(os.path.join(tree, "feature.txt"), "w") as f:
            f.write("done\n")
        subprocess.run(["git", "-C", tree, "add", "feature.txt"], check=True)
        subprocess.run(["git", "-C", tree, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "Add the feature"], check=True)
        self.open("#/s/epsilon")
        merge = self.wait_for(lambda: [b for b in self.css(".page-actions button") if b.text == "Merge"], "the Merge button")[0]
        merge.click()
        self.one("#merge-strategy")
        self.assertTrue(self.one("#merge-archive").is_selected())
        self.click('dialog.modal button[type="submit"]')
        self.wait_for(lambda: self.driver.current_url.endswith("#/archive"), "the archive page after merge + archive")
        self.one('tr[data-archived="epsilon"]')
        log = subprocess.run(["git", "-C", self.world.repo, "log", "--format=%s", "main"], capture_output=True, text=True, check=True).stdout
        self.assertIn("Add the feature", log)
        self.world.wait(lambda: "csm-epsilon" not in self.world.tmux_sessions(), what="epsilon's tmux session gone")

    def test_99_screenshots(self):
        os.makedirs(SHOTS, exist_ok=True)
        pages = [("sessions", "#/"), ("session", "#/s/beta"), ("create", "#/new"), ("plan", "#/plan"), ("rules", "#/rules"),
                 ("repos", "#/repos"), ("hosts", "#/hosts"), ("archive", "#/archive"), ("settings", "#/settings"), ("tasks", "#/tasks")]
        if HAS_INTEGRATIONS:
            pages.append(("issue", "#/tasks/ENG-1"))
        for width, height, label in [(1400, 900, "desktop"), (390, 844, "phone")]:
            self.driver.set_window_size(width, height)
            for name, route in pages:
                self.open(route)
                time.sleep(0.8)
                self.driver.save_screenshot(os.path.join(SHOTS, "%s-%s.png" % (name, label)))
            self.driver.execute_script("document.documentElement.setAttribute('data-theme','dark')")
            self.open("#/")
            self.driver.execute_script("document.documentElement.setAttribute('data-theme','dark')")
            time.sleep(0.5)
            self.driver.save_screenshot(os.path.join(SHOTS, "sessions-dark-%s.png" % label))
            self.driver.execute_script("document.documentElement.removeAttribute('data-theme')")
        self.driver.set_window_size(1400, 900)
        errors = [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]
                  and "/api/" not in e["message"]]
        self.assertEqual(errors, [], json.dumps(errors, indent=1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
