"""Who said each word of a mono call: two-speaker diarization on the CPU, with nothing to download.

Options weighed (bench/diarization_bench.py measures the ones built here):
- a speaker-embedding model from a registry package: the diarization packages on PyPI that run on
  the CPU (`diarize`, pyannote wrappers, speechbrain) fetch their weights from a model hub at run
  time, and the ones that ship weights need torch (~700 MB) for two speakers. Checked
  again: `redimnet2-onnx` is a 13 kB wheel (weights fetched at run time), `polyvoice` has no
  wheel and its source build fails here, `resemblyzer` ships weights but needs torch;
- ... but torch is only needed to unpickle Resemblyzer's GE2E encoder (Apache-2.0): converted
  once without it (scripts/convert_speaker_encoder.py), shipped as 2.6 MB of float16 and run in
  numpy (adapters/speaker_embedding.py). Added (issue 15): each word's cosine to each
  speaker's mean d-vector (sentences read apart, cut at 1.5 s) is added to the mixtures' scores
  in the Viterbi pass, and the d-vectors' clustering of those sentences is the start when every
  feature-based start collapses into one voice. On the bench (same transcripts, one run)
  overall 89.1% -> 93.1%; phone band + 15 dB + crosstalk 59% -> 78%; phone band 94% -> 97%;
  same-pitch espeak m/m 50% -> 79%; 1 s of crosstalk unchanged (76%); no condition lower.
  Tried and dropped: sliding 1-1.6 s windows over the whole call smeared each turn into the
  next (words nearest a change went to the previous voice); the encoder alone (no mixtures) was
  worse on phone-band audio (it was trained on wide band: 89.8% overall); its clustering
  competing with the feature starts always won on its own cosines, even for two espeak voices
  it cannot tell apart (one vocal tract: cosine 0.98 between their centres); sentences up to
  3 s for it left run-on crosstalk in a few long mixed pieces (51.8% there). It
  costs ~0.75x the rest of the diarization (5.0 s vs 2.8 s per audio minute, busy 2 cores) and
  adds no measurable peak memory (338 MB for a 2.5-minute call either way);
- Whisper encoder states (already loaded for transcription): they encode what is said more than
  who says it, and cost an extra encoder pass;
- classic features and clustering in numpy (kept, with the encoder beside them;
  adapters/mixture.py, since scikit-learn is an optional extra): MFCCs and pitch, a first
  (Ward) clustering of ~1-2 s windows of words (three window sizes; the labelling that explains
  the audio best is kept), then one Gaussian mixture per speaker that scores every word, and a
  Viterbi pass over the words that makes a change of speaker cost something unless there is a
  pause. Words are the unit, so a segment holding both speakers is split between its words.
- a turn-taking prior (added; bench/diarization_bench.py): people hand the turn over at the end
  of a sentence or in a pause, rarely mid-sentence. So a change of speaker costs little after a
  sentence end (Whisper's punctuation) or a pause, and much inside a sentence, and whole
  sentences are one more first clustering. Inside crosstalk the words stay with the speaker
  whose sentence they continue unless the voice clearly says otherwise; mid-sentence changes
  are still possible when the evidence is strong (an interruption). On the same transcripts
  it raised word attribution by 1.1-1.4 points on three sets of bench calls (to 89-92%), with
  same-pitch voices 63% -> 78% on one set and unchanged (chance) on another: still the
  hardest case, with noisy phone-band crosstalk.
- phone-band pitch and the encoder's start (diar3, measured and not kept): the pitch tracker
  reads every phone-band voice as ~300 Hz (the window's autocorrelation favours short lags);
  dividing it out (Boersma 1993) and calling near-silent frames unvoiced (the line's filter
  rings in the pauses) gives the reader 136 Hz on the phone for 122 Hz clean. Tuned on the
  bench's calls (5 turns) and checked on held-out calls (`--held-out`: 7 turns, another noise
  seed, other voices and speed-ups). With the pitch fix and the encoder's sentence clustering
  competing as a start: bench synthetic 95.6 -> 95.5% (phone + 15 dB + crosstalk 82 -> 90,
  m/m 80 -> 74), real 80.7% either way; held-out synthetic 89.2 -> 90.4%, but held-out real
  83.1 -> 74.5% (reader vs reader -8% on the phone 75 -> 50). The pitch fix alone: bench m/m
  80 -> 66, held-out reader vs reader +9% 89 -> 51. The encoder's start alone: bench m/m
  80 -> 58. So no variant helped on both sets; similar voices still depend on which start
  wins, and no start finds the bench's reader vs reader +6% (chance). Beware: that choice
  flips with small changes of the transcript: the same held-out call (reader vs reader +9%,
  main's code) scored 89% on one transcript and 52% on a fresh `--held-out` run.
- GMM supervectors of whole sentences (a universal mixture adapted per sentence, as in
  GMM-UBM speaker verification) were tried as the first clustering: better on same-pitch voices
  alone (85%) but unstable elsewhere (55-93%) and no better in the resegmented result; not kept.
- measured on a stable bench (diar4): each call's transcript is cached by the audio's hash, so
  every variant is judged on the same words, and each condition is three calls (noise seed and
  a variant of the call); figures are mean ± sd over the three. Baseline (this code): bench
  synthetic 94.9 ± 0.7% (worst condition: espeak m/m 78.9 ± 7.0, reader with 1 s of crosstalk
  80.8 ± 8.8, reader phone + 15 dB + 0.5 s 86.9 ± 3.4), bench real 80.1 ± 0.4% (reader vs
  reader +6%: 52.3 ± 1.7, chance); held-out synthetic 85.7 ± 3.1%, held-out real 74.0 ± 4.1%
  (held-out espeak m/f 74.0 ± 15.6 with one call at 53%: the start that wins still decides
  whole calls). Tried on the bench's six hardest conditions (none kept; synthetic / real of
  those six, baseline 86.4 ± 0.7 / 71.5 ± 0.3):
  - a turn-taking prior "the asker does not answer": keeping the turn after a word ending in
    "?" costs 4 or 8: 86.4 / 71.5 (no word moved: the evidence already switches there) and
    84.1 ± 2.6 / 71.5 (m/m 78.9 -> 71.3; Whisper puts the "?" on the wrong side of a turn);
  - the d-vector only where the sentence piece is long (its cosine scaled by piece frames /
    100): 83.8 ± 3.2 / 71.1 (m/m 70.0): short pieces still carry the voice;
  - a change after a comma costing 4 or 8 instead of 16 (Whisper often writes a comma at a
    turn without a pause): 83.5 ± 2.7 / 71.8 (phone + 15 dB + crosstalk 86.9 -> 76.4, one
    call at 53%) and 85.4 ± 2.0 / 71.8;
  - speaking rate (syllables per second of each sentence, a Gaussian per speaker, weight 1 or
    3 beside the mixtures): 85.0 ± 2.2 / 71.7 and 83.5 ± 2.3 / 73.3 (m/m 76.6, 71.7): Whisper's
    word times are too loose for a rate, and the two voices' rates overlap;
  - the encoder's weight 20 or 45 instead of 30: 84.2 ± 3.4 / 71.3 and 83.2 ± 2.2 / 72.0;
    a mid-sentence change costing 10 instead of 16: 83.9 ± 1.7 / 72.6. The constants sit at
    the bench's optimum; every move made the hardest calls less stable.
  - the labelling most of the four starts agree with, instead of the best fit: 85.2 ± 1.2 /
    69.3 ± 1.5 (1 s of crosstalk 80.8 -> 76.2, one call at 56%); held-out 85.3 ± 3.8 / 73.1 ±
    3.3 (about the same). Which start wins is still the weak step; left for a next round: a
    change detector from the audio (BIC between the second before and after a word boundary)
    to place turns where neither a pause nor punctuation marks them (the errors of the m/m
    calls sit there: a turn handed over with no gap is moved to the nearest sentence end).
- a change detector from the audio at word boundaries (diar5, measured and not kept; the code
  is described in bench/diarization_bench.py): a GLR between one diagonal Gaussian for the 0.5 s
  of speech frames (cepstra and pitch) before a word boundary and 0.5 s after, against one for
  both, as a robust z-score among the call's boundaries, lowering a mid-sentence change's cost
  (16 - 6 z, at least the turn cost). How well it marks true changes where there is no pause and
  no sentence end (AUC over the bench's boundaries, 0.5 = chance): reader vs reader +6% 0.80,
  reader vs JFK 0.78-0.89, but espeak m/m 0.49-0.56, reader with 1 s of crosstalk 0.42-0.65,
  phone + 15 dB + crosstalk 0.48-0.52: blind exactly where the errors sit. Its weight 6 on the
  six hardest conditions: synthetic 84.2 -> 83.0 ± 3.8, real 72.5 -> 73.0 ± 1.7 (within the
  runs' spread); with sentences also cut where z > 3: 82.0 / 71.2; not kept. Finding: in the
  real-voice calls 59 of 79 true changes have neither a pause of 0.25 s nor a sentence end
  (the reader's text runs on with commas and turns follow with no gap), so every change there
  costs the mid-sentence 16 (synthetic calls: 91 of 324).
- diar6 (measured on the diar5 transcripts, not kept; baseline bench synthetic 94.3 ± 0.6%,
  real 80.0 ± 1.7%):
  - pauses found in the audio instead of Whisper's loose word times: a boundary is a turn
    point when, between the two words' midpoints, 150 ms of 10 ms frames lie below the call's
    floor + 0.35 of (speech median - floor) (5th percentile of all frames as the floor). On
    the bench's calls it cannot help: their turns are glued (bench/diarization_bench.py:
    none has a gap of 200 ms), and at true changes with neither a Whisper pause nor a
    sentence end such a run is found at 2% of them (120 ms: 2%, at 5% of boundaries that are
    no change). With 0.3 s gaps between turns (`--gaps 0.3`) it marks 7% more of the true
    changes (3% of the others). Same calls (`--gaps 0.3`), main's code -> this: synthetic
    92.8 ± 0.4 -> 92.6 ± 0.5 (phone + 15 dB + crosstalk 85.7 -> 83.9, m/m 63.2 -> 62.1,
    reader phone 99.2 -> 99.6), real 79.9 ± 1.7 -> 79.7 ± 2.3.
    Whisper's 0.25 s already finds the pauses that are there; not kept.
  - a second pass from confident words: after the best labelling, each word's margin (its
    speaker's score minus the other's) ranks the words, the mixtures and d-vector centres are
    fitted again on each speaker's 60% most confident, and Viterbi runs once more. On the six
    hardest conditions (synthetic / real, baseline 84.2 / 72.5): 83.9 ± 3.2 / 71.7 ± 2.5
    (1 s crosstalk 75.4 -> 78.6, phone + 15 dB + crosstalk 85.7 -> 87.5, but m/m 75.1 -> 70.8
    ± 14.1 with one call at 51%, reader vs reader +6% 54.2 -> 53.0): the confident words of
    a wrong start are confidently wrong; not kept.
  - delta cepstra (np.gradient of the 20 cepstra, standardised over speech frames) beside the
    cepstra and pitch, for the first clusterings and the mixtures. Six hardest (synthetic /
    real, baseline 84.2 / 72.5): weight 1: 85.1 ± 2.7 / 72.1 ± 2.8 (1 s crosstalk 75.4 ->
    83.1, phone + 15 dB + crosstalk 85.7 -> 90.2, but m/m 75.1 -> 70.1 with one call at 56%,
    reader vs reader +6% 54.2 -> 53.0); weight 0.5: 84.6 ± 2.6 / 70.3 ± 2.4 (real phone
    92.9 -> 90.6). Crosstalk gains, real voices do not; not kept (the next round may weigh
    them only where two voices overlap).
  - Whisper's segment ends as turn points: not measured. The cached transcripts keep words,
    not segments; measuring needs every call transcribed again (fresh words move, so not
    comparable with the cache) and call_audio.py (another area) to pass the segments.
  - the gaps finding above says where the errors are: with realistic gaps (`--gaps 0.3`),
    74-81% of the true changes in the m/m and reader vs reader calls sit at a Whisper pause,
    yet they score 63% and 51%: the voice models and the first clustering cannot tell those
    voices apart, and no turn-point source fixes that.
- diar7 (same transcripts as diar5/diar6; six hardest conditions, synthetic / real, baseline
  in the same harness 84.3 ± 2.2 / 72.6 ± 2.6; none kept):
  - where the errors are: of the six's 1516 counted words, 200 lie in overlap (both clean
    tracks within 10 dB over the word), 62 of them wrong (31%); 230 of the 1316 others are
    wrong (17%), 183 of those in the two same-voice conditions (m/m, reader vs reader +6%).
    Overlap is not what keeps the bench under target; the similar voices are.
  - delta cepstra in the speakers' mixtures only (the first clusterings keep the plain
    features), weight 1: 85.1 ± 3.2 / 72.3 ± 2.6 (1 s crosstalk 75.4 -> 84.3 ± 2.6, phone +
    15 dB + crosstalk 85.7 -> 86.5, m/f crosstalk 97.0 -> 97.2, m/m 75.1 -> 72.4 with the
    same worst call, real phone 92.9 -> 93.8, reader vs reader +6% 54.2 -> 53.0). Deltas in
    both again (diar6's run): 85.1 ± 2.7 / 72.1 ± 2.8, m/m 70.1. Not confirmed: its held-out
    run and the other seven conditions did not finish by the deadline at load ~16 (held-out
    baseline on these transcripts: 81.2 ± 3.3 / 76.6 ± 4.5, espeak en-us / en-gb+f3 61.8,
    reader / reader +9% 68.2 ± 14.9).
    With word spans taken from the clean tracks instead of Whisper (runs of loud frames cut
    every 0.35 s), the reader with 1 s of crosstalk: variant 0 76.7% either way (crosstalk
    words 55.6% either way), variant 3 71.4% -> 64.8% (crosstalk words 50.0% either way): the
    bench's gain there does not carry to other word spans, so it is no sign of a mechanism.
  - a separate mixture of delta cepstra alone per speaker, its word scores added at weight 1:
    82.6 ± 0.9 / 71.7 ± 4.2 (1 s crosstalk 76.4, m/m 70.3); at a weight that grows with the
    word's energy above the call's speech median (full at +3 dB, where two voices add up):
    85.9 ± 2.0 / 71.9 ± 3.4, but 1 s crosstalk 75.9 (no gain where it aims) and m/m 81.0 ±
    7.4 (a start flip: those calls hold 7 overlapped words in 320). Energy marks overlapped
    words poorly: AUC 0.60 over the six (0.81 with 1 s crosstalk, 0.44 phone + noise; the
    autocorrelation's pitch strength 0.59).
  - each word scored by a blend of the plain and the delta mixtures (each speaker fitted on
    both), the delta share growing with the word's energy (full at +3 dB): 81.9 ± 3.8 /
    70.6 ± 4.7 (1 s crosstalk 80.7 ± 8.8, m/m 64.8 with one call at 50.5, real phone 89.3).
  - not measured (the machine's load was 16-21 on 2 cores; one pass over the six took 25-40
    minutes): a blend by how unsure the plain mixtures are (words whose margin is below 30,
    about the 25th percentile, scored by the delta mixtures), Whisper's segment ends as turn
    points, and a per-call choice between the plain and delta labellings: their fits are
    sums over different features, so a choice needs a common yardstick (e.g. both
    labellings refitted and scored on the plain features), which favours the plain one by
    construction. (The runs used a scratch harness outside the repo: the bench's prepared calls
    pickled once, d-vectors memoised; figures identical to the bench's on the same cache.)
- diar8 (same transcripts and harness as diar7; six hardest conditions, synthetic / real,
  baseline 84.3 ± 2.2 / 72.6 ± 2.6):
  - diar7's delta cepstra in the mixtures (weight 1), held-out check: synthetic 81.2 ± 3.3 ->
    79.3 ± 4.7 (espeak m/m en-us+m3 88.9 -> 75.8 with one call at 52.8, reader phone 0.8 s
    crosstalk 92.6 -> 87.2, m/m phone 66.4 -> 75.2), real 76.6 ± 4.5 -> 76.7 ± 4.4 (reader
    -8% 78.0 -> 80.6). Does not hold off the bench: not kept.
  - where the similar voices fail (a diagnostic, not a change): started from the TRUE labels,
    the same resegmentation reaches 90-95% on the reader vs reader +6% calls (its per-word
    mixture argmax alone 94% on one) and 75-92% on espeak m/m. So the features do tell those
    voices apart; what fails is the search: none of the five starts (three word windows,
    sentences, the encoder's sentences) comes near the truth for reader vs reader (best 0.68),
    and the yardstick that picks among labellings does not prefer the truth either: its fit
    (-9085) lost to wrong labellings (-9046, 54%) in one call, and in m/m the truth's fit
    (-10306) lost to a 61% one (-8576). Other yardsticks checked on the same candidates,
    none ranks the truth first in every call: the mixtures' likelihood held out (fitted on
    every other sentence, scored on the rest: the truth is the WORST in m/m v6 and reader vs
    reader v0), the encoder's centres held out, a Fisher ratio of sentence d-vectors, a t of
    sentence pitch medians (reader +6%: 0.2-2.1), and the number of turns (the truth's 6-14
    runs against 3-21 for wrong ones). A next round should look for a yardstick, not for more
    features.
  - the best labelling's turns (its runs of words) clustered again as one more start, kept
    when it fits better: by their cepstra and pitch (mean and spread): 84.7 ± 1.6 / 72.8 ±
    2.3 (1 s crosstalk 75.4 -> 78.1, real phone 92.9 -> 93.4; similar voices unchanged); by
    their d-vectors: 83.8 ± 2.8 / 75.7 ± 5.9 (reader vs reader +6% 54.2 -> 59.4 ± 10.7, one
    call of three found, m/m 75.1 -> 73.6 with a call at 56.6); both: 84.3 ± 2.2 / 75.5 ±
    6.1. Within the runs' spread, or one set up and the other down: not kept.
  - two passes, the confident long turns first: each speaker's turns in the best labelling
    ranked by their words' mean margin (own score minus the other's) times the square root of
    their frames; the mixtures and d-vector centres fitted again on the top turns holding half
    of each speaker's frames (the other words fitted on by no one), then one Viterbi over all
    words. Six hardest: 85.3 ± 1.3 / 74.4 ± 2.8 (1 s crosstalk 75.4 -> 81.5, worst call 68.4
    -> 75.4; phone + 15 dB + crosstalk 85.7 -> 85.8, worst 76.6 -> 81.8; m/m 75.1 -> 75.6;
    m/f crosstalk 97.0 -> 96.7; real phone 92.9 -> 94.3; reader vs reader +6% 54.2 -> 56.3).
    Held-out: synthetic 81.2 ± 3.3 -> 82.0 ± 2.8 (en-us / en-gb+f3 61.8 -> 69.1, m/m
    en-us+m3 88.9 -> 90.4, m/m phone 66.4 -> 63.4, JFK phone + 10 dB 98.5 -> 97.0), real
    76.6 ± 4.5 -> 75.6 ± 4.6 (reader -8% 78.0 -> 76.6, reader +9% 68.2 -> 67.0): the held-out
    real calls lose a point. The bench's other conditions: 98.5 ± 0.4 over the nine (reader
    clean 95.8 -> 98.3, reader phone 99.0 -> 97.7, m/f phone 99.7 -> 99.1, the rest within
    0.4), real reader/JFK 96.6 -> 97.0. On word spans from the clean tracks (diar7's
    crosstalk calls, no Whisper) it shows nothing a test could hold: reader with 1 s of
    crosstalk 76.7 -> 75.6, 71.4 -> 72.5, 70.8 -> 70.8; phone + 15 dB + crosstalk 50.0
    either way. Not kept; the likeliest next step, with other shares (0.3, 0.7) unmeasured.
  - Viterbi smoothing over words with a switch penalty: already the pipeline's (_viterbi,
    SWITCH_COST mid-sentence, TURN_COST at pauses and sentence ends); not a new variant.
  - Whisper's segment ends as turn points and a per-call choice between plain and delta
    labellings: not measured. The cache keeps words, not segments (re-transcribing gives other
    words, so no comparison with the cache); and delta did not hold on the held-out calls,
    while the yardstick finding above says a likelihood cannot choose between labellings.
- diar9 (kept): each word's vocal tract length. Looking for a better start or yardstick
  (diar8's finding) turned up why none was found: the cepstra's per-window means and spreads
  follow what is said, and a voice 6% higher (formants 6% up) moves them less than the
  content does. Vocal tract length normalisation's warp factor does not follow the content: a
  mixture of the whole call (16 components, both voices) scores each word's frames with the
  mel filters' frequencies scaled by 0.88-1.12, and the word's warp is the mean scale weighted
  by exp(0.1 x log-likelihood) (word_warps). On the bench's reader vs reader +6% the words'
  warps read 0.972 against 1.026 (AUC 0.96-1.00 per word; pitch medians of sentences 0.43-0.75).
  It joins the features as a column, (warp - the call's median) / 0.03, clipped to +-3, times
  2 (pitch: 3 per sd), so every start, mixture and the fit see it. Two espeak voices of one
  formant model read one warp for every word (interquartile range 0.0000-0.0007): the column
  then holds only a few stray words and flipped m/m's starts (75.1 -> 63-65%), so it is left
  out when the words' interquartile range is small (first 0.005, then 0.045: below). The
  warps are read with filters over 340-3000 Hz (299-3360 Hz at the extreme scales): with the
  features' 100-3800 Hz the part a phone line cuts off pinned every word to a scale of 1
  (phone calls' ranges 0.0000-0.0018; a reader vs reader 6% higher on the phone 52% -> 97%
  with the narrower band).
  Kept: phone-safe band, gate 0.045. Bench, same cached transcripts (diar5's), main's code ->
  this: synthetic 94.3 +- 0.6 -> 94.3 +- 0.6% (only reader noise 10 dB moves, 96.9 -> 96.6:
  noise spreads its warps over the gate), real 80.0 +- 1.7 -> 91.8 +- 1.6% (reader vs reader
  +6% 54.2 +- 3.7 -> 86.8 +- 3.9; reader/JFK clean 96.6 and phone 92.9 unchanged). Held-out
  (7 turns, another noise seed): synthetic 81.2 +- 3.3 unchanged (no call passes the gate),
  real 76.6 +- 4.5 -> 91.0 +- 1.1% (reader vs reader -8% on the phone 78.0 -> 91.0, +9% 68.2
  +- 14.9 -> 95.2 +- 4.3; reader/JFK phone crosstalk 85.4 unchanged).
  Honesty about the held-out: it was run for each of the three versions below; the band
  problem was seen first on it (-8% on the phone unchanged) and then confirmed on the bench's
  own phone calls and on new test calls (tests/test_diar9_similar_voices.py), and the 0.045
  gate was set from the bench's ranges and two failing tests, not from held-out figures.
  Versions (bench synthetic / real; held-out synthetic / real): full band, gate 0.005: 94.7 +-
  0.8 / 93.7 +- 2.7; 82.3 +- 3.0 / 85.2 +- 3.9. Phone-safe band, gate 0.005: 94.5 +- 0.8 /
  89.6 +- 2.3 (reader/JFK phone + 20 dB 92.9 -> 87.1, reader vs reader +6% 86.8, JFK 0.5 s
  crosstalk 92.9 -> 88.3, phone + 15 dB + crosstalk 92.1); 82.9 +- 3.4 / 90.9 +- 1.5 (reader
  -8% phone 78.0 -> 91.0, +9% 95.2) - but it failed test_diarization_calls' reader/JFK phone
  call (customer words 75%) and the full band failed test_speaker_embedding's phone + noise
  call (89.7% for 90%).
  Variants on the six hardest, full band (synthetic / real, baseline 84.3 +- 2.2 / 72.6 +-
  2.6): the column scaled by its standard deviation, weight 1: 82.6 / 85.9 +- 10.9 (one +6%
  call at 50%); weight 2: 82.8 / 93.2; weight 3: 79.0 / 88.6 (reader/JFK phone one call at
  55%); all with m/m at 57-65%. Scale 0.03 and clip, no gate: 83.6 +- 1.7 / 92.6 (m/m 64.8).
  Scaled by sd, clipped, gate 0.01: 83.8 / 94.4 (leaves out the 1 s crosstalk calls, ranges
  0.006-0.007).
  Limits: the bench's and held-out's similar voices are one recording sped up or slowed down,
  so vocal tract and pitch move by exactly one factor, which is what this measures; two
  different people of one sex differ in vocal tract length too, but by less and not as a pure
  scale: unmeasured (no such recordings here). Same-model espeak voices (m/m) are untouched
  and stay the hardest case. Cost: 10 more filter banks and a 16-component mixture over the
  call's frames: CPU time per audio minute 5.60 -> 6.33 s (four bench calls, 1.7 minutes,
  twice each, alternating, one thread, encoder included).
- diar11 (kept): digital silence left out of the speakers' mixtures (QUIET_DB). Why m/m's
  starts looked "nearly tied" and the truth lost the fit (diar8): ~10% of the frames inside
  the bench's word spans are exact zeros (espeak's gaps and closures; Whisper's spans run into
  the pause after a word; frames 60 dB under the words' median: 7-12% of them in the clean
  calls, 2-3% with the real reader, none with noise or a phone line). Zeros are one point in
  cepstrum space; a mixture fitted on them scores them enormously, so the labelling that
  gathers the silent words out-fits the true one by ~1700 (m/m v6: 61% right at -8576 against
  the truth's -10306). Frames more than 40 dB under the words' median frame energy are now
  left out of each speaker's mixture, both the fit and the word's score (a word's score is the
  sum over its loud frames over their count's square root). Started from the TRUE labels the
  resegmentation now keeps them (m/m 0.98 / 1.00 / 0.96, was 0.75 / 0.85 / 0.92), and the gap
  between the truth's fit and the best start's is tens, not thousands. Measured with diar10's
  harness (same cached transcripts, d-vectors memoised; it reproduced main's bench figures
  exactly), main -> this: bench synthetic by condition: m/m 75.1 +- 10.0 -> 83.0 +- 4.1 (worst
  61.1 -> 77.2), reader clean 95.8 -> 99.3, JFK 0.5 s crosstalk 93.3 -> 95.1, reader 1 s
  crosstalk 75.4 +- 9.2 -> 70.9 +- 12.3, JFK phone 99.6 -> 98.1, m/f 99.7 -> 99.4, m/f phone
  99.7 -> 99.1, the other six unchanged; word-weighted about 94.3 -> 94.7 (from the condition
  means). Real voices: reader / reader +6% 86.8 -> 91.5, reader/JFK clean 96.6 -> 94.4 +- 5.2
  (one call 87.5), phone unchanged: about 91.8 -> 92.9. Held-out (not tuned on): synthetic
  81.2 +- 3.3 -> 86.5 +- 0.3 (en-us / en-gb+f3 61.8 -> 77.1, m/m en-us+m3 88.9 +- 13.4 -> 98.5
  +- 0.7, reader phone 0.8 s 92.6 -> 92.3, m/m phone and JFK phone + 10 dB unchanged); real
  91.0 +- 1.1 -> 90.2 +- 0.8 (reader +9% 95.2 -> 93.1, the other two unchanged).
  Not a stable start yet: the threshold moves m/m a lot (30 dB: 72.6 +- 17.4 with a call at
  50.5, real 91.2; 60 dB: 75.5 +- 18.1, a call at 50.5, real 89.6; 1 s crosstalk 79.6 / 79.0),
  so among the starts that remain near-tied the pick still flips; 40 dB was the best of three
  on the bench and the held-out set (run once, after) agrees. The silent frames also left out
  of the first clusterings' window statistics: m/m 77.9 +- 6.3, the rest as 40 dB alone: not
  kept. Speaking rate was measured first as a start/yardstick (a sentence's word frames per
  transcribed letter, syllable or word; the t of the two clusters' sentence rates): per
  sentence AUC 0.50-0.93 for m/m, and the t ranks a 61% labelling (2.9) over the truth (1.0)
  in m/m v6: not wired. Cost: one energy per frame, and the mixtures fit ~10% fewer frames in
  clean calls: CPU per audio minute 5.61 -> 5.23 s (four bench calls, 1.7 minutes, twice each,
  alternating, one thread, encoder included; /tmp/diar11/timing.py, QUIET_DB 0 vs 40).
- time per audio minute (a two-minute mono phone call through CallTranscriber, as `roleplay
  score --transcript call.wav` runs it, tiny.en int8, 2 cores): transcription 4.1-4.2 s and
  diarization 1.6-1.8 s at load ~1; 11.7-12.0 s and 16.4-17.5 s at load ~11 (other agents'
  work; the diarization's numpy suffers most from sharing the cores). On the bench's 23.5
  minutes of calls: diarization 19.7 s at load 8.7, 3.6 s at load 0.9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from roleplay.adapters.mixture import DiagonalGmm, ward
from roleplay.adapters.speaker_embedding import span_vectors

if TYPE_CHECKING:
    from numpy.typing import NDArray

RATE = 16_000
HOP = 160  # 10 ms frames
WIN = 400  # 25 ms
N_MELS = 40
N_CEPS = 20
# First clustering: words grouped into windows up to N frames long unless a pause of M frames
# comes between them. Each start is resegmented; the labelling that explains the audio best
# (the Viterbi score under the speakers' own models) wins.
STARTS = ((100, 30), (150, 25), (200, 20))
MAX_FIT_FRAMES = 3000
BLOCK = 4000  # frames framed and transformed together: bounds the memory of long calls
PITCH_WEIGHT = 3.0  # the pitch column counts as much as a few cepstra together
SWITCH_COST = 16.0  # log-likelihood units a change of speaker must earn, mid-sentence
TURN_COST = 1.0  # ... after a sentence end or a pause: where turns are handed over
SWITCH_PAUSE = 0.25  # seconds: a pause this long is a place to hand the turn over
SENTENCE_END = (".", "?", "!")
MIN_SHARE = 0.15  # of the words, the least a speaker of a two-party call is taken to say
SENTENCE_MOST = 3.0  # seconds: longer sentences are cut for the sentence-level clustering
VOICE_MOST = 1.5  # seconds: sentences are cut for the encoder (run-on crosstalk has no ends)
VOICE_WEIGHT = 30.0  # how much the speaker encoder's cosine counts beside the mixtures' scores
# Vocal tract length (diar9): each word's frequency warp against a mixture of the whole call
# (as vocal tract length normalisation finds a speaker's warp), a column beside the cepstra
# and pitch. Two similar voices differ in it where the cepstra's content swamps them.
WARPS = np.linspace(0.88, 1.12, 9)  # frequency scales tried (the filters' edges times these)
WARP_SHARPNESS = 0.1  # a word's warp: the mean over WARPS weighted by exp(0.1 * log-likelihood)
WARP_COMPONENTS = 16  # the call's mixture, both voices
# The warps' filters span this band at a scale of 1: inside a phone line's 300-3400 Hz at
# every scale, so a band the line cut off does not pin every word to a scale of 1.
WARP_BAND = (340.0, 3000.0)
WARP_SCALE = 0.03  # a warp this far from the call's median counts as one unit of the column
WARP_WEIGHT = 2.0  # ... times this (pitch: 3 per standard deviation)
WARP_MOST = 3.0  # units: a stray word's warp counts no more than this
# The column is left out unless the words' warps spread widely (interquartile range at least
# this): two voices of different people are told apart by the rest already, and there the
# column's scatter (noise spreads the warps: 0.028-0.034 for the reader and JFK on the phone
# with 20 dB noise) cost words (92.9% -> 87.1% there); one voice shifted 6% reads 0.056-0.057.
WARP_SPREAD = 0.045
# Frames this far below the words' median frame energy are left out of the speakers' mixtures
# (fitted and scored) (diar11): digital silence inside a word's span (espeak's gaps, a muted
# line) is one point in cepstrum space, so a mixture fitted on it scores it enormously and the
# labelling that gathers the silent words "fits best" whoever spoke them.
QUIET_DB = 40.0


def _mel_filters(
    n_fft: int, n_mels: int, scale: float = 1.0, band: tuple[float, float] = (100.0, 3800.0)
) -> NDArray[np.float64]:
    def mel(f: NDArray[np.float64]) -> NDArray[np.float64]:
        return 2595 * np.log10(1 + f / 700)

    def hz(m: NDArray[np.float64]) -> NDArray[np.float64]:
        return 700 * (10 ** (m / 2595) - 1)

    # 100-3800 Hz: what survives a phone line, so wide-band and phone-band calls look alike.
    points = scale * hz(np.linspace(mel(np.array(band[0])), mel(np.array(band[1])), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1 / RATE)
    fb = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        lo, mid, hi = points[i], points[i + 1], points[i + 2]
        fb[i] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb


def _dct() -> NDArray[np.float64]:
    """DCT-II of the log mel bands, c0 left out."""
    k = np.arange(N_MELS)
    dct: NDArray[np.float64] = np.cos(
        np.pi / N_MELS * (k[:, None] + 0.5) * np.arange(1, N_CEPS + 1)[None, :]
    )
    return dct


def _power_blocks(audio: NDArray[np.float32]) -> Iterator[tuple[int, NDArray[np.float64]]]:
    """(first frame, power spectra) of BLOCK frames at a time: all frames at once would take
    GBs for a long call."""
    if len(audio) < WIN:
        audio = np.pad(audio, (0, WIN - len(audio)))
    n = 1 + (len(audio) - WIN) // HOP
    for a in range(0, n, BLOCK):
        b = min(n, a + BLOCK)
        idx = np.arange(WIN)[None, :] + HOP * np.arange(a, b)[:, None]
        yield a, np.abs(np.fft.rfft(audio[idx] * np.hamming(WIN), 512)) ** 2


def mfcc(
    audio: NDArray[np.float32], scale: float = 1.0, band: tuple[float, float] = (100.0, 3800.0)
) -> NDArray[np.float64]:
    """(frames, N_CEPS) cepstra, 10 ms apart, without c0 (loudness says little about who);
    `scale` stretches the filters' frequencies (a vocal tract that much shorter). The default
    band, 100-3800 Hz, is what survives a phone line."""
    n = 1 + (max(len(audio), WIN) - WIN) // HOP
    filters = _mel_filters(512, N_MELS, scale, band).T
    dct = _dct()
    ceps = np.empty((n, N_CEPS))
    for a, power in _power_blocks(audio):
        ceps[a : a + len(power)] = np.log(power @ filters + 1e-8) @ dct  # DCT-II; c0 left out
    return ceps


def word_warps(
    audio: NDArray[np.float32], spans: list[tuple[int, int]], speech: NDArray[np.int_]
) -> NDArray[np.float64]:
    """Each word's frequency warp (about 1; a shorter vocal tract reads higher): a mixture of
    the call's cepstra (both voices) scores each word's frames warped by each of WARPS, and the
    word's warp is their mean weighted by how well each fits, as vocal tract length
    normalisation finds a speaker's warp. Content is what the mixture models, so what is left
    to fit is the vocal tract: a reader and the same reader 6% higher read 0.98 and 1.03."""
    plain = mfcc(audio, 1.0, WARP_BAND)
    mean, std = plain[speech].mean(0), plain[speech].std(0) + 1e-6
    picked = speech[:: len(speech) // MAX_FIT_FRAMES + 1]
    mixture = DiagonalGmm(min(WARP_COMPONENTS, max(1, len(picked) // 50)))
    mixture.fit((plain[picked] - mean) / std)
    banks = [_mel_filters(512, N_MELS, scale, WARP_BAND).T for scale in WARPS]
    dct = _dct()
    ll = np.zeros((len(plain) + 1, len(WARPS)))
    for a, power in _power_blocks(audio):
        for j, filters in enumerate(banks):
            ceps = (np.log(power @ filters + 1e-8) @ dct - mean) / std
            ll[a + 1 : a + 1 + len(power), j] = mixture.score_samples(ceps)
    cum = np.cumsum(ll, axis=0)
    fits = np.array([cum[b] - cum[a] for a, b in spans])
    weights = np.exp(WARP_SHARPNESS * (fits - fits.max(1, keepdims=True)))
    found: NDArray[np.float64] = (weights @ WARPS) / weights.sum(1)
    return found


def _with_warps(
    feats: NDArray[np.float64], warps: NDArray[np.float64], spans: list[tuple[int, int]]
) -> NDArray[np.float64]:
    """The features with the words' warps as one more column (each word's frames hold its
    warp), unless the warps hardly spread (WARP_SPREAD)."""
    low, high = np.percentile(warps, [25, 75])
    if high - low < WARP_SPREAD:
        return feats
    units = np.clip((warps - np.median(warps)) / WARP_SCALE, -WARP_MOST, WARP_MOST)
    column = np.zeros(len(feats))
    for (a, b), unit in zip(spans, units, strict=True):
        column[a:b] = WARP_WEIGHT * unit
    return np.concatenate([feats, column[:, None]], axis=1)


def pitch(audio: NDArray[np.float32], frames: int) -> NDArray[np.float64]:
    """log F0 per 10 ms frame (0 where unvoiced), from the normalised autocorrelation of 40 ms
    windows: voice pitch separates speakers that cepstra of short words mix up."""
    win = 640
    audio = np.pad(audio, (0, max(0, HOP * frames + win - len(audio))))
    lo, hi = RATE // 400, RATE // 60  # 60-400 Hz
    f0 = np.zeros(frames)
    for a in range(0, frames, BLOCK):  # in blocks, as mfcc
        b = min(frames, a + BLOCK)
        idx = np.arange(win)[None, :] + HOP * np.arange(a, b)[:, None]
        x = audio[idx] * np.hanning(win)
        x = x - x.mean(1, keepdims=True)
        ac = np.fft.irfft(np.abs(np.fft.rfft(x, 2 * win)) ** 2)[:, :win]
        ac = ac / (ac[:, :1] + 1e-9)
        lag = lo + ac[:, lo:hi].argmax(1)
        strength = ac[np.arange(b - a), lag]
        f0[a:b] = np.where(strength > 0.5, np.log(RATE / lag), 0.0)
    return f0


def speakers_of_words(
    audio: NDArray[np.float32],
    words: Sequence[tuple[float, float]],
    speakers: int = 2,
    texts: Sequence[str] | None = None,
    encoder: bool = True,
    progress: Callable[[float], None] | None = None,
    warp: bool = True,
) -> list[int]:
    """A speaker number (0 = whoever speaks first) for each (start, end) word span; `texts`
    (the words as transcribed, with punctuation) tell where sentences end. `encoder=False`
    leaves out the pretrained speaker encoder, `warp=False` the words' vocal tract warps (the
    bench compares with and without).
    `progress` is told the share done (0-1) after each step, weighted by what the steps
    cost on a 2-minute call (features ~10%, encoder ~40%, each re-scoring the rest)."""
    if not words:
        return []
    done = progress or (lambda _share: None)
    turn_points = _turn_points(words, texts)
    ceps = mfcc(audio)
    spans = [_frames(s, e, len(ceps)) for s, e in words]
    speech = np.unique(np.concatenate([np.arange(a, b) for a, b in spans]))
    mean, std = ceps[speech].mean(0), ceps[speech].std(0) + 1e-6
    ceps = (ceps - mean) / std
    f0 = pitch(audio, len(ceps))
    voiced = f0[speech][f0[speech] > 0]
    f0z = (
        np.where(f0 > 0, (f0 - np.median(voiced)) / (voiced.std() + 1e-6), 0.0)
        if len(voiced)
        else f0
    )
    feats = np.concatenate([ceps, PITCH_WEIGHT * f0z[:, None]], axis=1)
    loud = _loud_frames(audio, len(ceps), speech)
    if warp and WARP_WEIGHT:
        feats = _with_warps(feats, word_warps(audio, spans, speech), spans)
    done(0.1)
    best: tuple[float, list[int]] | None = None
    # The first clustering is the fragile step: try a few, and keep the labelling that the
    # speakers' own models explain best.
    firsts = [_first_clustering(feats, spans, speakers, w, g) for w, g in STARTS]
    units = _sentence_units(spans, words, turn_points)
    firsts.append(_unit_clustering(feats, spans, speakers, units))
    voices = None
    if encoder:
        pieces = _sentence_units(spans, words, turn_points, VOICE_MOST)
        voices = span_vectors(audio, spans, pieces, lambda share: done(0.1 + 0.4 * share))
    done(0.5 if encoder else 0.1)
    for n, labels in enumerate(firsts, 1):
        best = _better(best, _resegment(feats, spans, labels, speakers, voices, turn_points, loud))
        done(0.5 + 0.5 * n / len(firsts) if encoder else 0.1 + 0.9 * n / len(firsts))
    if best is None and voices is not None:
        # Every labelling from the features collapsed into one voice (noise and crosstalk on a
        # phone line): start from the encoder's clustering instead. Only then: the fits are not
        # comparable with it, since its own labels always fit its cosines best, even for two
        # voices it cannot tell apart (same-pitch espeak voices 79% -> 57% when it competed).
        start = _voice_clustering(voices, spans, speakers, pieces)
        best = _resegment(feats, spans, start, speakers, voices, turn_points, loud)
    if best is None:
        return [0] * len(words)
    labels = best[1]
    first = labels[0]
    return [0 if label == first else 1 for label in labels]


def _resegment(
    feats: NDArray[np.float64],
    spans: list[tuple[int, int]],
    labels: list[int],
    speakers: int,
    voices: NDArray[np.float32] | None,
    turn_points: list[bool],
    loud: NDArray[np.bool_],
) -> tuple[float, list[int]] | None:
    """Models of each speaker re-score every word, a few times; the labelling and its fit, or
    None when one voice is left with too few words."""
    fit = -np.inf
    for _ in range(3):
        if len(set(labels)) < 2:
            break
        scores = _word_scores(feats, spans, labels, speakers, loud)
        if voices is not None:
            scores = scores + VOICE_WEIGHT * _voice_scores(voices, labels, speakers)
        labels, fit = _viterbi(scores, turn_points)
    return (fit, labels) if _balanced(labels) else None


def _better(
    a: tuple[float, list[int]] | None, b: tuple[float, list[int]] | None
) -> tuple[float, list[int]] | None:
    if a is None or (b is not None and b[0] > a[0]):
        return b
    return a


def _loud_frames(
    audio: NDArray[np.float32], frames: int, speech: NDArray[np.int_]
) -> NDArray[np.bool_]:
    """Which 10 ms frames are within QUIET_DB of the words' median frame energy: the others
    (digital silence a word's span caught) hold no voice to model (all True when QUIET_DB is
    0)."""
    if not QUIET_DB:
        return np.ones(frames, dtype=bool)
    energy = np.full(frames, -120.0)
    m = min(len(audio) // HOP, frames)
    power = (audio[: m * HOP].reshape(m, HOP).astype(np.float64) ** 2).mean(1)
    energy[:m] = 10 * np.log10(power + 1e-12)
    loud: NDArray[np.bool_] = energy > np.median(energy[speech]) - QUIET_DB
    return loud


def _frames(start: float, end: float, total: int) -> tuple[int, int]:
    a = max(0, min(total - 1, int(start * 100)))
    return a, max(a + 1, min(total, int(end * 100) + 1))


def _balanced(labels: list[int]) -> bool:
    """Both voices hold a real share of the words: a "speaker" of a few words is a cluster
    that caught an odd stretch (a noisy start, a cough), not the other side of a call."""
    smaller = min(labels.count(0), labels.count(1))
    return smaller >= max(1, MIN_SHARE * len(labels))


def _turn_points(words: Sequence[tuple[float, float]], texts: Sequence[str] | None) -> list[bool]:
    """For each word: may the turn have been handed over just before it (a pause, or the
    previous word ends a sentence)?"""
    points = [True]
    for i in range(1, len(words)):
        pause = words[i][0] - words[i - 1][1] >= SWITCH_PAUSE
        ended = texts is not None and texts[i - 1].strip().endswith(SENTENCE_END)
        points.append(pause or ended)
    return points


def _sentence_units(
    spans: list[tuple[int, int]],
    words: Sequence[tuple[float, float]],
    turn_points: list[bool],
    most: float = SENTENCE_MOST,
) -> list[list[int]]:
    """Word indices of whole sentences (cut at turn points, at most `most` seconds long)."""
    units: list[list[int]] = [[0]]
    for i in range(1, len(spans)):
        if turn_points[i] or words[i][1] - words[units[-1][0]][0] > most:
            units.append([i])
        else:
            units[-1].append(i)
    return units


def _unit_clustering(
    feats: NDArray[np.float64], spans: list[tuple[int, int]], speakers: int, units: list[list[int]]
) -> list[int]:
    """Cluster whole sentences by the mean and spread of their features."""
    if len(units) < speakers:
        return [0] * len(spans)
    emb = []
    for unit in units:
        x = feats[np.concatenate([np.arange(*spans[i]) for i in unit])]
        emb.append(np.concatenate([x.mean(0), x.std(0)]))
    return _spread(units, ward(np.array(emb), speakers), len(spans))


def _voice_clustering(
    voices: NDArray[np.float32], spans: list[tuple[int, int]], speakers: int, units: list[list[int]]
) -> list[int]:
    """Cluster whole sentences by their d-vectors (unit length, so Ward follows the cosine)."""
    if len(units) < speakers:
        return [0] * len(spans)
    emb = []
    for unit in units:
        frames = np.array([spans[i][1] - spans[i][0] for i in unit], dtype=float)
        v = (voices[unit] * frames[:, None]).sum(0)
        emb.append(v / (np.linalg.norm(v) + 1e-9))
    return _spread(units, ward(np.array(emb), speakers), len(spans))


def _spread(units: list[list[int]], clusters: NDArray[np.int_], n: int) -> list[int]:
    labels = [0] * n
    for unit, c in zip(units, clusters, strict=True):
        for i in unit:
            labels[i] = int(c)
    return labels


def _voice_scores(
    voices: NDArray[np.float32], labels: list[int], speakers: int
) -> NDArray[np.float64]:
    """(words, speakers): each word's cosine to each speaker's mean d-vector."""
    mine = np.array(labels)
    out = np.zeros((len(labels), speakers))
    for k in range(speakers):
        if (mine == k).any():
            centre = voices[mine == k].mean(0)
            out[:, k] = voices @ (centre / (np.linalg.norm(centre) + 1e-9))
    return out


def _first_clustering(
    feats: NDArray[np.float64],
    spans: list[tuple[int, int]],
    speakers: int,
    window: int,
    gap: int,
) -> list[int]:
    """Cluster ~1 s windows of consecutive words (mean and spread of their cepstra)."""
    windows: list[list[int]] = []  # word indices
    for i, (a, b) in enumerate(spans):
        if (
            windows
            and spans[windows[-1][0]][0] + window > b
            and a - spans[windows[-1][-1]][1] < gap
        ):
            windows[-1].append(i)
        else:
            windows.append([i])
    if len(windows) < speakers:
        return [0] * len(spans)
    emb = []
    for w in windows:
        frames = np.concatenate([np.arange(*spans[i]) for i in w])
        x = feats[frames]
        emb.append(np.concatenate([x.mean(0), x.std(0)]))
    clusters = ward(np.array(emb), speakers)
    labels = [0] * len(spans)
    for w, c in zip(windows, clusters, strict=True):
        for i in w:
            labels[i] = int(c)
    return labels


def _word_scores(
    feats: NDArray[np.float64],
    spans: list[tuple[int, int]],
    labels: list[int],
    speakers: int,
    loud: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """(words, speakers): summed log-likelihood of each word's frames under each speaker."""
    out = np.zeros((len(spans), speakers))
    for k in range(speakers):
        mine = [np.arange(*spans[i]) for i in range(len(spans)) if labels[i] == k]
        frames = np.concatenate(mine) if mine else np.zeros(0, dtype=int)
        frames = frames[loud[frames]]
        if len(frames) < 50:
            out[:, k] = -1e9 if k else 0.0
            continue
        if len(frames) > MAX_FIT_FRAMES:  # enough to model a voice; keeps long calls fast
            frames = frames[:: len(frames) // MAX_FIT_FRAMES + 1]
        gmm = DiagonalGmm(min(8, len(frames) // 50)).fit(feats[frames])
        ll = gmm.score_samples(feats)
        ll = np.where(loud, ll, 0.0)
        out[:, k] = [ll[a:b].sum() for a, b in spans]
    # Scale per word so long words do not drown the switch cost in huge sums.
    lengths = np.array([loud[a:b].sum() for a, b in spans], dtype=float)
    scaled: NDArray[np.float64] = out / np.sqrt(np.maximum(lengths, 1.0))[:, None]
    return scaled


def _viterbi(scores: NDArray[np.float64], turn_points: list[bool]) -> tuple[list[int], float]:
    n, k = scores.shape
    best = scores[0].copy()
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        cost = TURN_COST if turn_points[i] else SWITCH_COST
        trans = best[:, None] - cost * (1 - np.eye(k))  # from (rows) -> to (cols)
        back[i] = trans.argmax(0)
        best = trans.max(0) + scores[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1], float(best.max())
