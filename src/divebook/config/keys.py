"""The keys each configuration file knows, and how a key of one is spelled in the other.

One table per file and section, read by both readers (``load.py`` for
``config.ini``, ``toml.py`` for ``divebook.toml``) and by ``divebook check``.
"""

from __future__ import annotations

#: every key of [linkcheck], with what it holds (for messages)
LINKCHECK_KEYS = {
    "ignore": "a list of regular expressions; matching URLs are not asked",
    "workers": "how many requests at once, in all (default 32)",
    "per_host": "how many requests at once to one host (default 4)",
    "hosts": "per-host limits: a table host = requests at once",
    "timeout": "seconds one request may take (default 15)",
    "retries": "how many times a request that timed out, failed or got a 5xx is tried again (default 2)",
    "expiry_days": "how long a good answer is cached (default 7)",
    "max_retry_after": "the longest Retry-After a 429 is waited for, in seconds (default 120)",
    "anchors": "check the #anchor of external HTML pages (default false; --anchors)",
    "anchors_ignore": "regular expressions of anchors never checked (default: `^!`, `^L\\d+`)",
    "remap": "a table regex = replacement applied to each URL before asking (a mirror, a test server)",
}


#: Keys d2lbook reads, per section.  Keys marked in _IGNORED only matter to
#: d2lbook's deploy and Sphinx steps; they are accepted and have no effect.
_INI_KEYS: dict[str, set[str]] = {
    "project": {"name", "title", "author", "copyright", "release", "lang"},
    "translation": {"origin_repo", "origin_lang", "translator", "terminology"},
    "build": {"index", "notebooks", "rsts", "non-notebooks", "exclusions", "dependencies",
              "resources", "eval_notebook", "source_dir", "output_dir", "warning_is_error",
              "sphinx_extensions", "sphinx_configs", "tabs", "origin_repo",
              # divebook additions
              "kernels", "timeout", "eval_pages", "strict"},
    "html": {"header_links", "favicon", "html_logo", "include_css", "include_js"},
    "pdf": {"main_font", "sans_font", "mono_font", "post_latex", "latex_logo", "bibfile",
            "style", "latex_url", "template"},
    "library": {"save_filename", "save_mark", "save_patterns", "version", "version_file",
                "root_dir", "write_to_source"},
    "deploy": {"google_analytics_tracking_id", "github_repo", "s3_bucket", "other_file_s3urls"},
    "colab": {"github_repo", "exclusions", "libs", "libs_header", "gpu_pattern",
              "replace_svg_url"},
    "sagemaker": {"github_repo", "kernel", "libs", "libs_header"},
    "slides": {"top_right", "top_left", "github_repo", "notebooks", "exclusions"},
    "repository": {"github", "branch"},
    "linkcheck": set(LINKCHECK_KEYS),
}



_LIBRARY_KEYS = {"lib_file", "lib_name", "simple_alias", "fluent_alias", "args_alias", "alias",
                 "reverse_alias"}



#: Settings people put into config.ini that only divebook.toml can hold, and where they go.
_TOML_ONLY = {"requirements": "requirements", "env": "env", "kernel": "kernel", "pages": "pages"}



#: config.ini names whose divebook.toml name differs (for `check` and for overlays)
_INI_TO_TOML = {"build.non-notebooks": "build.non_notebooks", "build.eval_notebook": "build.eval",
                "build.warning_is_error": "build.strict", "html.html_logo": "html.logo",
                "pdf.latex_logo": "pdf.logo"}



_TOML_KEYS: dict[str, set[str]] = {
    "project": {"name", "title", "author", "copyright", "release", "lang"},
    "build": {"index", "notebooks", "non_notebooks", "exclusions", "resources", "dependencies",
              "eval", "eval_notebook", "eval_pages", "tabs", "timeout", "warning_is_error",
              "strict"},
    "html": {"header_links", "favicon", "logo", "include_css", "include_js"},
    "pdf": {"main_font", "sans_font", "mono_font", "logo", "bibfile", "template"},
    "library": {"version_file", "root_dir", "write_to_source"},
    "colab": {"exclusions", "libs_header", "gpu_pattern", "replace_svg_url"},
    "translation": {"origin_lang", "origin_repo"},
    "repository": {"github", "branch"},
    "slides": {"top_left", "top_right"},
    "linkcheck": set(LINKCHECK_KEYS),
}


_TOML_PAGE_KEYS = {"timeout", "resources", "inputs"}



_TOML_TAB_KEYS = {"kernel", "requirements", "timeout", "library", "colab_repo", "colab_libs", "env"}



_TOML_LIBRARY_KEYS = {"file", "name", "simple_alias", "fluent_alias", "args_alias", "alias",
                      "reverse_alias"}



#: LibraryRules field -> its key in divebook.toml's [tabs.NAME.library]
_TOML_LIBRARY_NAMES = {"lib_file": "file", "lib_name": "name"}



#: divebook.toml keys that are another spelling of a setting
_TOML_ALIASES = {"build.eval_notebook": "build.eval", "build.warning_is_error": "build.strict"}
