"""Word tables for the behaviour rules, per language (en, nb).

They name kinds of behaviour, not a rubric's model answers: an apology or a "that's fair" in
any wording, a rep passing the customer on, a discount offered, a question about size. The
structure (domain/conversation.py) decides whether such a line actually answers the customer.
"""

from __future__ import annotations

import re


class Words:
    """A pattern (case-blind unless told), compiled the first time it is searched. A call is
    scored in one language and its rubric's behaviours read a few of the tables, so most of
    the ~70 patterns here are never compiled (compiling all of them at import was ~7 ms of
    every `roleplay score`; a bench call compiles 13)."""

    __slots__ = ("_compiled", "flags", "source")

    def __init__(self, source: str, flags: int = re.IGNORECASE) -> None:
        self.source, self.flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def sub(self, repl: str, text: str) -> str:
        return self._pattern().sub(repl, text)

    def _pattern(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:  # two threads may both compile it: the same pattern either way
            compiled = self._compiled = re.compile(self.source, self.flags)
        return compiled


Table = dict[str, Words]


def _c(pattern: str) -> Words:
    return Words(pattern)


# What went wrong, quoted as counter-evidence so the rep sees it.
NEGATIVE: dict[str, Table] = {
    "en": {
        "refusing": _c(
            r"nothing (?:i|we) can do|can't do anything|(?:we|i) don't do that|we don't "
            r"(?:really )?cover|can't cancel it|not possible for us|no way (?:i|we) can"
        ),
        "blaming": _c(
            r"you should have|your fault|not (?:our|my) fault|did you (?:maybe )?add|"
            r"didn't use it properly|should have been trained|between you and your bank|"
            r"the system (?:just|won't|doesn't)|it's a known thing|it happens now and then"
        ),
        "passing on": _c(
            r"you'll (?:have|need) to (?:call|contact|speak|ring)|you need to (?:call|contact)|"
            r"they'll (?:tell|get back)|transfer you|(?:another|different) department|"
            r"the other team|someone will|somebody will|pass it on|(?:talk|speak) to my "
            r"manager|i'll have to ask|they handle all"
        ),
        "policy": _c(r"\bpolicy\b"),
        "arguing": _c(
            r"trust me|to be honest|you're overthinking|not really an issue|that's a mistake|"
            r"nowhere near|not even close|\byeah,? but\b|\bbut we are\b|(?:understand|hear "
            r"you|know),? but\b|you'd regret|old tech|calm down|that's (?:just )?how"
        ),
        "pitching": _c(
            r"industry[- ]leading|the leading|market leader|best in class|we're the best|"
            r"the whole thing|the lot\b|pays for itself|our customers (?:usually|basically)|"
            r"guaranteed|special offer|doesn't have half|that's exactly (?:why|what) (?:we|our)"
        ),
        "ignoring": _c(r"\banyway\b|as i was saying|like i said|as i said"),
        "leading": _c(r"wouldn't you|don't you think|would you agree|wouldn't it be|isn't it\?"),
        "pressure": _c(
            r"price goes up|only valid|if you sign today|you'd be crazy|still interested or "
            r"not|if you sign this week"
        ),
        "drifting": _c(
            r"let me know|have a think|reach out|whenever you're ready|leave it with you|"
            r"feel free to|keep an eye|circle back|touch base|send (?:you |over )?(?:some |the )"
            r"?info|send (?:you )?(?:the|an updated) quote|catch up after|send an email to the"
        ),
        "no timing": _c(
            r"don't (?:have|know) (?:the )?(?:exact )?timing|no idea when|can't say when|"
            r"not sure when|don't know when"
        ),
        "stock": _c(
            r"for any inconvenience|sorry to hear that\W*(?:(?:mr|mrs|ms|miss|sir|madam)\b\.?"
            r"\s*\w*)?\W*$|thanks for your patience|^\W*i (?:completely )?understand\W*$"
        ),
    },
    "nb": {
        "refusing": _c(r"ikke noe (?:jeg|vi) kan gjøre|det gjør vi ikke"),
        "blaming": _c(r"bare lære seg|deres feil|dere burde"),
        "passing on": _c(r"må (?:ringe|kontakte)|noen vil|en annen avdeling"),
        "policy": _c(r"\b(?:retningslinje|policy|regler)\w*"),
        "arguing": _c(r"\bjo,? men\b|stol på meg|ærlig talt"),
        "pitching": _c(r"markedsledende|helt perfekt|alt sammen|sparer minst|våre kunder"),
        "ignoring": _c(r"\buansett\b"),
        "leading": _c(r"ikke sant\?"),
        "pressure": _c(r"bare gyldig|signer i dag"),
        "drifting": _c(r"ta kontakt|sender deg litt informasjon|send meg noe|høre fra deg"),
        "no timing": _c(r"vet ikke når|usikker på når"),
        "stock": _c(r"beklager ulempen"),
    },
}

VALIDATES = {
    "en": _c(
        r"\b(?:sorry|apolog\w*|unacceptable|not okay|not ok\b|not good enough|rotten|awful|"
        r"terrible|shouldn't have|should never have|makes (?:complete |total |perfect )?sense|"
        r"fair|reasonable|understandabl\w*|i understand|understood|i hear you|got it|no "
        r"wonder|right to be|every right|on us|down to us|our (?:mistake|fault|error)|we got "
        r"(?:this|that|it) wrong|i'd (?:feel|be)|appreciate|thank(?:s| you) for|good of you|"
        r"good to (?:hear|know)|glad you|wary|worry|real money|sensible|worth a lot|that "
        r"explains|no problem|no need to apologi[sz]e|nothing to apologi[sz]e|you're right|"
        r"no argument)\b"
        # The same in the rep's own words: what a reasonable person would feel or do ("that
        # would make anyone furious", "I'd hesitate too"), the weight of it for them ("that's
        # a real cost", "the last thing you needed"), the company's part ("we've let you down").
        r"|\b(?:would|'d|could) make anyone\b|\banyone (?:would|in your (?:shoes|position|place))"
        r"|\bi'd (?:hesitate|worry|think twice|want to know|ask the same|do the same|be wary)\b"
        r"|\byou(?:'ve| have) (?:had to|been left)\b"
        r"|\bthe last thing you (?:need|needed|want|wanted)\b|\b(?:we've|we have|i've) let "
        r"you down\b|\bmust (?:have been|be|feel) (?:awful|hard|frustrating|maddening|stressful"
        r"|worrying)\b|\b(?:that's|that is|that was|is|was|it's) (?:a |an )?(?:real|big|"
        r"serious|genuine|heavy|huge|lot of) (?:cost|ask|line|hit|risk|worry|concern|loss|blow|"
        r"headache|commitment|decision|step|amount|sum|money|time|work|disruption)\b"
    ),
    "nb": _c(
        r"\b(?:beklager|leit|forstår|skjønner|takk for|rett i|godt poeng|rimelig|forståelig|"
        r"fint at|hyggelig)\b"
    ),
}
THANKS = {
    "en": _c(r"\bthank(?:s| you)\b|\bappreciate\b"),
    "nb": _c(r"\btakk\b|\bsetter pris på\b"),
}
CUSTOMER_PART = {  # the customer takes on their part of the next step
    "en": _c(r"\bi'll (?:bring|ask|get|have|send|invite|check|book|loop|pull|dig)\b"),
    "nb": _c(r"\bjeg (?:tar med|skal ta med|spør|sender|inviterer|sjekker)\b"),
}
DONE_NOW = {
    "en": _c(
        r"\b(?:i've|i have|we've)\s+(?:just\s+|already\s+)?(?!been\b|got\b|had\b|heard\b|seen\b"
        r"|said\b|told\b)\w+(?:ed|t|en|ne)\b|while we've been talking|\bdone\.|\bis off\b|"
        r"already (?:off|gone)|has left our side|invite(?:'s| is) on its way|invite sent"
    ),
    "nb": _c(r"\b(?:jeg|vi) har (?:nå |allerede )?\w+(?:t|et|de)\b|invitasjonen går ut nå"),
}
FUTURE = {
    "en": _c(r"\b(?:i'll|i will|i'm going to|let me|i'm \w+ing|we'll|my plan is)\b"),
    "nb": _c(r"\b(?:jeg skal|jeg vil|jeg sender|vi skal|jeg ordner)\b"),
}
HEDGE = {
    "en": _c(r"see what i can do|\btry\b|maybe|probably|look into|see if|i think i can"),
    "nb": _c(r"kanskje|prøve|se hva jeg kan"),
}
OWNING = {
    "en": _c(
        r"\b(?:on us|down to us|our (?:mistake|fault)|we got (?:this|that|it) wrong|myself|"
        r"personally|my job|i'm handling|leave it with me|my direct line|ask for [a-z]+|"
        r"call me|ring me|\d{3}-\d{4})\b"
    ),
    "nb": _c(r"\b(?:jeg tar ansvar|min feil|vår feil|ring meg|mitt direktenummer)\b"),
}
MEETING = {
    "en": _c(
        r"\b(?:meeting|meet|call|invite|demo|session|walk|visit|diary|calendar|minutes|book|"
        r"set up|kick-off|sit down|come out|talk again|speak again|follow up)\b"
    ),
    "nb": _c(r"\b(?:møte|invitasjon|demo|time|gjennomgang|besøk|kalender)\w*"),
}
# "How do you plan maintenance today?": in an open question, "today" and "now" are the
# customer's present (how things are done), not a day for a next step; a question that also
# asks when or what suits them is still a proposal.
NOW = {
    "en": _c(r"\b(?:right now|just now|today|now|these days|at the moment|currently)\b"),
    "nb": _c(r"\b(?:i dag|nå|for tiden|akkurat nå)\b"),
}
PROPOSING = {
    "en": _c(r"\b(?:when|what time|suits?|works? for you|free|available|convenient)\b"),
    "nb": _c(r"\b(?:når|hva tid|passer|ledig)\b"),
}
REFERENCE = _c(r"\b[A-Z]{1,4}-\d{3,}\b|\b\d{3}-\d{4}\b|direct line|reference number|case number")
INVITE_SENT = {
    "en": _c(r"invit\w*.*\b(?:now|sent|on its way|goes out|right now|before we hang up|while)"),
    "nb": _c(r"invitasjon\w*.*\b(?:nå|sendt|går ut)"),
}
DECISION = {
    "en": _c(r"\bwho (?:else|decides|signs|makes|weighs)|how does \w+ decide|who makes the"),
    "nb": _c(r"\bhvem (?:andre|flere|beslutter|skriver)|hvordan (?:tar|beslutter) \w+"),
}
QUANT = {
    "en": _c(
        r"\bhow (?:much|many|long|often|big)\b|\bcost\b|roughly|per (?:hour|day|week|month|"
        r"year)|what (?:would|does) (?:that|it) (?:mean|change|cost)|what changes|what would "
        r"that change|in a month|a year"
    ),
    "nb": _c(r"\bhvor (?:mye|mange|lang|ofte)|koster|totalt|hva betyr|i året|hva havner"),
}
MONEY_TIME = {
    "en": _c(r"\b(?:a|per|every) (?:year|month|week)|annually|\bdollars?\b|\$|a million"),
    "nb": _c(r"\bi året|i måneden|i uka|kroner|millioner?"),
}
ISOLATE = {
    "en": _c(r"anything else|something else|apart from|beyond that|besides|other than"),
    "nb": _c(r"noe annet|bortsett fra"),
}
COMPARE = {
    "en": _c(
        r"\bthan\b|next to|\bagainst\b|versus|pays? (?:back|for itself)|earns? itself back|"
        r"own (?:numbers|figures)|compared|\bcosts?\b|comes back|on something costing"
    ),
    "nb": _c(r"\bmot\b|sammenlignet|betaler seg|enn\b"),
}
PROOF = {
    "en": _c(
        r"reference|case study|\bpilot\b|(?:moved|switched|migrated) (?:\w+ )?(?:agents|users|"
        r"teams?|sites?|to us)|talk(?:ing)? to their|with their|customers? like"
    ),
    "nb": _c(r"referanse|pilot|kunde som"),
}
DISCOUNT = {
    "en": _c(
        r"\b(?:i|we) (?:can|could|'ll|will)(?: probably)? (?:do|go to|get you|give you|offer|"
        r"match|throw in|include|take|knock|shave|cut)\b.*(?:\d+\s?%|percent|\boff\b|free)|"
        r"meet in the middle|split the difference|is fine,? sure|throw in|i can do \d+|go to \d+"
    ),
    "nb": _c(r"rabatt|prosent avslag"),
}
TRADE = {
    "en": _c(
        r"\bif (?:you|we|\w+) .*\b(?:i|we)(?:'ll| can| could| will|'d| would)\b|"
        r"\b(?:i|we)(?:'ll| can| could| will|'d| would)\b.*\bif (?:you|we)\b|\bin return\b|"
        r"\bin exchange\b|\bon your side\b|\bprovided\b|\bas long as\b|"
        # "Commit to three years, and list comes down 10%": an imperative condition.
        r"^\W*(?:commit|sign|agree|give|take|move|go)\b[^.]*,\s*and\b"
    ),
    "nb": _c(r"\bhvis dere\b.*\b(?:kan|vil) vi\b|\bmot at\b"),
}
ASK = {
    "en": _c(
        r"do we have a deal|are we agreed|\bagreed\?|can we (?:go ahead|move forward|proceed|"
        r"sign|get (?:this|the contract) signed)|shall we (?:go ahead|proceed|sign)|are you "
        r"ready|ready to (?:go ahead|sign)|will you (?:sign|go ahead)|move forward on"
    ),
    "nb": _c(r"har vi en avtale|skal vi (?:kjøre|sette i gang|signere)|er vi enige"),
}
READINESS = {
    "en": _c(r"how does that sound|where does that leave|how does that look|how are we looking"),
    "nb": _c(r"hvordan høres det|hva tenker du om det"),
}
INTRO = {  # names are capitalised: case matters here
    "en": Words(
        r"\b(?:it's|this is|my name is|my name's|i'm)\s+[A-Z]\w+|\b[A-Z]\w+ (?:[A-Z]\w+ )?"
        r"(?:from|at|with) [A-Z]\w+|[A-Z]\w+ [A-Z]\w+ (?:here|from|at)\b",
        flags=0,
    ),
    "nb": Words(r"\b[A-ZÆØÅ]\w+ fra [A-ZÆØÅ]\w+|\bjeg heter\b", flags=0),
}
RESEARCHED = {
    "en": _c(
        r"\b(?:i read|i saw|i noticed|i've seen|you downloaded|mentioned|told me|recommended|"
        r"reviewing)\b"
    ),
    "nb": _c(r"\b(?:lastet ned|hentet|så at|leste|nevnte)\b"),
}
COURTESY = {
    "en": _c(r"i'll be quick|two minutes|a minute|\bbusy\b|caught you|a moment|at most"),
    "nb": _c(r"et kvarter|kort|travel|takk for at du tar deg tid|fint at du fikk tid"),
}
OPENING_BAD = {
    "en": _c(r"how are you (?:today|doing)|just wanted to|quick chat|expecting my call"),
    "nb": _c(r"skal bare kjapt fortelle"),
}
INSTRUCTION = _c(
    r"\bignore (?:your|all|the|previous|any)\b|\binstructions?\b|\bscore (?:this|me|every)|"
    r"\bscoring\b|\bout of 5\b|full marks|\bcriteri(?:on|a)\b|\brubric\b|\bthe judge\b|"
    r"system prompt|\bignorer\b|\binstruksjon\w*|\bkriteri\w*|vurderer samtalen"
)
SETTLED = {
    "en": _c(r"\b(?:thank|thanks|okay|ok|fine|works|deal|great|relief|what i needed|alright)\b"),
    "nb": _c(r"\b(?:takk|greit|passer|flott|ok)\b"),
}
# "Can I ask what made you decide?": an open question in a polite wrapper.
EMBEDDED_OPEN = {
    "en": _c(r"^\W*(?:can|could|may) i ask (?:what|why|how|who|where|when)|mind if i ask\w* what"),
    "nb": _c(r"^\W*(?:kan|får) jeg spørre (?:hva|hvorfor|hvordan|hvem)"),
}
