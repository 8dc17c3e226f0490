/** Fixture repositories that live for one test (kept apart from scripts/lib/fleet-repo.ts, which the benchmarks import without vitest). */
import { afterEach } from "vitest";
import { FixtureRepo } from "../../scripts/lib/fleet-repo.ts";

/** Returns a maker of FixtureRepos; each is deleted after the test that made it. */
export function repoPerTest(): () => FixtureRepo {
  const repos: FixtureRepo[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) repo.dispose();
  });
  return () => {
    const repo = new FixtureRepo();
    repos.push(repo);
    return repo;
  };
}
