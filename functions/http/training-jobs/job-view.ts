import type { CandidateResult, JobRecord } from '#core/training/jobs.ts';

function candidateView({ modelKey: _modelKey, ...candidate }: CandidateResult) {
  return candidate;
}

/** A job as the API shows it: storage keys and the owner's role at submission stay internal. */
export function jobView(job: JobRecord) {
  const { ownerRole: _ownerRole, candidates, chosen, ...rest } = job;
  return {
    ...rest,
    ...(candidates === undefined ? {} : { candidates: candidates.map(candidateView) }),
    ...(chosen === undefined ? {} : { chosen: candidateView(chosen) }),
  };
}
