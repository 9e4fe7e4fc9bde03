using System.Globalization;

namespace RetentionInsights.Scoring.Sentiment;

/// <summary>
/// The project's own Dutch and English valence lexicon for energy-supplier customer service (valences roughly −4..+4), written
/// for this product from the language of bills, meter readings, outages, prices, waiting and staff — not derived from the
/// public research lexicons, which tests only use as a yardstick. Multi-word entries outrank single words; entries with
/// valence 0 exist to swallow polite formulae ("met vriendelijke groet", "thanks in advance") whose words would otherwise
/// read as praise in every neutral letter.
/// </summary>
public sealed class SentimentLexicon
{
    private SentimentLexicon(string language, string words, string negators, string boosters, string dampeners, string contrasts)
    {
        Language = language;
        var entries = Parse(words);
        Words = entries.Where(e => !e.Key.Contains(' ', StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        Phrases = entries.Where(e => e.Key.Contains(' ', StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        LongestPhrase = Phrases.Count == 0 ? 1 : Phrases.Keys.Max(p => p.Split(' ').Length);
        PhraseStarts = Phrases.Keys.Select(p => p[..p.IndexOf(' ', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        Negators = Set(negators);
        Boosters = Set(boosters);
        Dampeners = Set(dampeners);
        Contrasts = Set(contrasts);
    }

    public string Language { get; }
    public IReadOnlyDictionary<string, double> Words { get; }
    public IReadOnlyDictionary<string, double> Phrases { get; }
    public int LongestPhrase { get; }

    /// <summary>The first word of every phrase: a word that starts none needs no phrase lookup.</summary>
    public IReadOnlySet<string> PhraseStarts { get; }
    public IReadOnlySet<string> Negators { get; }
    public IReadOnlySet<string> Boosters { get; }
    public IReadOnlySet<string> Dampeners { get; }
    public IReadOnlySet<string> Contrasts { get; }

    public int Count => Words.Count + Phrases.Count;

    public static SentimentLexicon For(string language) => LanguageDetector.Normalize(language) == LanguageDetector.English ? English : Dutch;

    public static SentimentLexicon Dutch { get; } = new(LanguageDetector.Dutch, DutchEntries,
        "niet niets niks geen nooit nergens niemand zonder allerminst nauwelijks amper",
        "zeer erg heel echt enorm ontzettend totaal compleet volkomen volledig bijzonder hartstikke uiterst buitengewoon absoluut " +
        "werkelijk zo helemaal hartelijk intens extreem zwaar flink",
        "beetje enigszins tamelijk ietwat lichtelijk vrij redelijk wat",
        "maar echter desondanks");

    public static SentimentLexicon English { get; } = new(LanguageDetector.English, EnglishEntries,
        "not no never none nobody nothing neither nor without cannot can't don't doesn't didn't isn't aren't wasn't weren't " +
        "won't wouldn't haven't hasn't hadn't shouldn't couldn't hardly barely",
        "very really extremely so totally completely absolutely utterly incredibly highly deeply truly especially particularly " +
        "seriously terribly awfully thoroughly most",
        "slightly somewhat bit rather fairly little partly mildly",
        "but however");

    private static IReadOnlySet<string> Set(string words) =>
        words.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static List<KeyValuePair<string, double>> Parse(string source)
    {
        var entries = new List<KeyValuePair<string, double>>();
        foreach (var raw in source.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var split = raw.LastIndexOf(' ');
            if (split <= 0)
                throw new FormatException($"Lexicon entry '{raw}' needs a term and a valence.");
            var term = raw[..split].Trim();
            var valence = double.Parse(raw[(split + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            entries.Add(new(term, valence));
        }
        return entries;
    }

    private const string DutchEntries = """
        boos -3; kwaad -3; woedend -3.5; razend -3.3; geïrriteerd -2; geirriteerd -2; geërgerd -2; ergerlijk -2.2; ergernis -2.2; irritant -2;
        irritante -2; frustrerend -2.5; gefrustreerd -2.5; frustratie -2.5; teleurgesteld -2.5; teleurstellend -2.5; teleurstelling -2.5;
        ontevreden -2.5; ontstemd -2.2; onacceptabel -3; onaanvaardbaar -3; belachelijk -3; schandalig -3.2; schande -3; absurd -2.8;
        bizar -2.2; waardeloos -3; waardeloze -3; slecht -2; slechte -2; slechter -2.5; slechtst -3; slechtste -3; beroerd -2.5; beroerde -2.5;
        vreselijk -3; vreselijke -3; verschrikkelijk -3; verschrikkelijke -3; afschuwelijk -3.2; rampzalig -3; drama -2.2; ramp -2.5;
        onbeschoft -2.8; onbeschofte -2.8; onvriendelijk -2.2; onvriendelijke -2.2; onbehulpzaam -2.2; onbekwaam -2.8; incompetent -3;
        amateuristisch -2.5; traag -1.5; trage -1.5; langzaam -1; vertraging -1.5; vertraagd -1.5; fout -1.8; foute -1.8; fouten -1.8;
        foutief -1.8; foutieve -1.8; verkeerd -1.8; verkeerde -1.8; onjuist -1.8; onjuiste -1.8; vergissing -1.5; probleem -1.5;
        problemen -1.5; klacht -2; klachten -2; klagen -1.8; storing -1; storingen -1; stroomstoring -1.8; uitval -1.5;
        stroomuitval -1.8; uitgevallen -1.5; defect -2; kapot -2; onbetrouwbaar -2.2; duur -1.5; dure -1.5; duurder -1.5; oneerlijk -2.2;
        oneerlijke -2.2; onredelijk -2.2; onredelijke -2.2; onduidelijk -1.2; onduidelijke -1.2; onduidelijkheid -1.2; verwarrend -1.5;
        verwarring -1.5; tegenstrijdig -1.5; tegenstrijdige -1.5; misleidend -2.5; misleidende -2.5; puinhoop -2.8; chaos -2.5;
        chaotisch -2.5; nachtmerrie -3; gedoe -1.8; gezeur -1.8; bezorgd -1.5; ongerust -1.5; stress -1.8; stressvol -2; geschrokken -2;
        schrok -1.8; onbereikbaar -2.2; genegeerd -2.5; negeren -2.2; wachten -0.6; gewacht -1.2; wachttijd -1.2; wachttijden -1.2; jammer -1.2;
        helaas -1.2; spijtig -1.5; opzeggen -1.2; opzegging -1.2; opzeg -1.2; beëindigen -1.5; overstappen -1; dreigen -2; advocaat -2;
        geschillencommissie -2.5; ombudsman -2.5; oplichting -3.5; oplichters -3.5; zooitje -3; bende -2.5; spuugzat -3.2; beu -2.5;
        hopeloos -3; prutswerk -3; slordig -2.2; slordige -2.2; nalatig -2.5; alweer -1.2; nogmaals -0.8; herinnering -0.8;
        aanmaning -1.5; incassobureau -2.2; deurwaarder -2.8; boete -1.8; koud -1; ijskoud -1.5; onbeantwoord -2;
        ellende -2.8; klote -3; pijnlijk -1.8; lastig -1.2; vervelend -1.8; vervelende -1.8; ongemak -1.5; onhandig -1.2; schade -1.5;
        verbaasd -1; verbijsterd -2.5; ongelooflijk -1.5; zorgelijk -1.8; onbegrijpelijk -2; onbegrijpelijke -2; rommel -2.2;
        onnodig -1.2; onnodige -1.2; gehannes -2; tegenvallen -1.5; tegenvaller -1.8; weigeren -1.5; geweigerd -1.8; kwijt -1.2;
        vergeten -1.2; beloofd -0.8; belofte -0.5; verhoogd -1; verhoging -1; verhogingen -1; gestegen -0.8; stijgt -0.8; stijging -0.8;
        prijsstijging -1.2; tariefsverhoging -1.2; afgeschreven -0.3; uitgelegd 0.3; irritaties -2; klantonvriendelijk -2.5;
        tevreden 2.2; blij 2.5; gelukkig 2.2; verheugd 2.5; content 1.8; top 2.5; toppie 2.5; prima 1.8; goed 1.9; goede 1.9; beter 1.2;
        uitstekend 3.2; uitstekende 3.2; geweldig 3.2; geweldige 3.2; fantastisch 3.2; fantastische 3.2; super 2.5; perfect 2.8;
        perfecte 2.8; fijn 2; fijne 2; mooi 1.8; mooie 1.8; leuk 1.8; leuke 1.8; prettig 2; prettige 2; aangenaam 2; vriendelijk 2;
        vriendelijke 1.8; behulpzaam 2.2; behulpzame 2.2; beleefd 1.8; geduldig 1.5; snel 1.5; snelle 1.5; vlot 1.8; vlotte 1.8;
        efficiënt 2; efficient 2; soepel 1.8; makkelijk 1.5; gemakkelijk 1.5; eenvoudig 1.2; duidelijk 1.2; duidelijke 1.2; helder 1.2;
        bedankt 1.8; dank 1.8; dankjewel 2; dankuwel 2; dankbaar 2.5; waardeer 2; waarderen 2; gewaardeerd 2.2; compliment 2.5;
        complimenten 2.5; aanrader 2.5; aanraden 2; opgelost 1.5; verholpen 1.5; geregeld 1.2; betrouwbaar 1.8; voordelig 1.5;
        professioneel 1.8; professionele 1.8; correct 0.8; klantvriendelijk 2.2; meedenkend 2; meegedacht 2.2; gerustgesteld 1.8;
        opgelucht 1.8; heerlijk 2.5; netjes 1.8; keurig 2; chapeau 2.5; attent 2; handig 1.5; geholpen 1.2; hulpvaardig 2.2;
        deskundig 1.8; deskundige 1.8; tevredenheid 1.5; topservice 3; topper 2.5; toppers 2.5; aardig 1.8; aardige 1.8; begripvol 2;
        vakkundig 2; vakkundige 2; oplossing 0.8; bereikbaar 1; gerust 1.2; genoten 2; enthousiast 2.5; lovend 2.5; dankzij 1;
        eerlijk 1.2; fair 1.2; acceptabel 1; redelijk 0.8; gunstig 1.5; gunstige 1.5; waardevol 1.8; blije 2.5; tevredene 2.2;
        met vriendelijke groet 0; vriendelijke groet 0; vriendelijke groeten 0; hartelijke groet 0; hartelijke groeten 0;
        beste groet 0; beste groeten 0; alvast bedankt 0.3; alvast dank 0.3; bij voorbaat dank 0.3; dank voor uw bericht 0.3;
        bedankt voor uw bericht 0.3; hartelijk dank 2.5; hartelijk bedankt 2.5; dank je wel 2; dank u wel 2; heel erg bedankt 2.8;
        geen probleem 1.2; geen punt 1; geen zorgen 0.8; geen reactie -2; geen antwoord -1.8; geen gehoor -2; geen bericht -1.5;
        nog steeds niet -1.8; nog steeds geen -1.8; nog altijd niet -1.8; nog altijd geen -1.8; nog steeds niets -2; nog niets -1.2;
        niets gehoord -2; niks gehoord -2; niets meer gehoord -2; in de wacht -1.5; lang wachten -2; lange wachttijd -2;
        meerdere keren -1.2; al meerdere keren -1.5; keer op keer -2; zoveelste keer -2.5; werkt niet -1.8; doet het niet -1.8;
        klopt niet -1.8; klopt niets -2.2; klopt geen -2; te hoog -1.8; te hoge -1.8; veel te -1; te duur -2.2; te veel -1.2;
        andere aanbieder -1; andere aanbieders -1; andere leverancier -1; andere leveranciers -1; alternatieve aanbieders -1.5;
        stap over -1.5; ik stap over -2; overstappen naar -1.5; het zat -2.5; genoeg van -2.5; niet acceptabel -3; niet normaal -2.5;
        geen stroom -1.8; geen gas -1.8; geen verwarming -2; geen warm water -2; niet de eerste keer -2; niet opgelost -2;
        gebeurt niets -2; er gebeurt niets -2; er gebeurt niks -2; eerlijk gezegd 0; dubbel afgeschreven -2.2;
        twee keer afgeschreven -2.2; zo snel mogelijk -0.5; per omgaande -0.5; te laat -1.2; geen idee -0.8; goed geholpen 2.5;
        snel geholpen 2.2; goed geregeld 2.2; netjes geregeld 2.2; prima geregeld 2.2; keurig geregeld 2.2; in orde 1; fijne dag 0.5;
        prettige dag 0.5; fijn weekend 0.5; graag gedaan 0.8; geen klagen 1.5; niet te klagen 1.5; kan niet beter 2.5;
        goedemorgen 0; goedemiddag 0; goedenavond 0; ik hoor graag van u 0; hoor graag 0; alle lof 3; veel dank 2.2;
        voor de zoveelste keer -2.5; weer eens -1.5; opnieuw fout -2; niets mee gedaan -2; niks mee gedaan -2; kastje naar de muur -3;
        van het kastje naar de muur -3; aan het lijntje -2.5; met een kluitje in het riet -3; geen gehoor gegeven -2;
        niet bereikbaar -2; slecht bereikbaar -2.2; loopt uit de hand -2.5; uit de hand -2; de druppel -2.5; laatste druppel -3;
        ben er klaar mee -3; klaar mee -2.5; heb er genoeg van -3; word er moe van -2.5; moe van -2; houdt maar niet op -2;
        zonder problemen 1.5; zonder gedoe 1.5; zonder moeite 1.2; heel fijn 2.5; erg fijn 2.5;
        serieus genomen 1.5; klopt er niets -2.2; klopt er niks -2.2; klopt er geen -2; komt niet overeen -1.2; niet gebeurd -1.5;
        nooit gebeurd -1.5; nooit afgesproken -1.8; nooit mee akkoord -1.8; te lang -1.5; opnieuw vertellen -1.5; zonder verwarming -2;
        zonder stroom -2; zonder gas -2; er komt niemand -1.5; verademing 2.5; keurige 2; zo hoort het 2; raad 0.8; aanbevelen 2;
        meedenkt 2; denkt mee 2; meedenken 2; sneller 1.2; slecht geïnformeerd -2; niet te bereiken -2
        """;

    private const string EnglishEntries = """
        angry -3; furious -3.5; livid -3.3; annoyed -2; annoying -2; irritated -2; irritating -2; frustrated -2.5; frustrating -2.5;
        frustration -2.5; disappointed -2.5; disappointing -2.5; disappointment -2.5; unhappy -2.5; dissatisfied -2.5; upset -2.2;
        unacceptable -3; ridiculous -3; outrageous -3.2; absurd -2.8; disgrace -3.2; disgraceful -3.2; terrible -3; awful -3;
        horrible -3; appalling -3.2; dreadful -3; bad -2; poor -2; worse -2.5; worst -3.2; useless -2.8; incompetent -3; rude -2.8;
        unfriendly -2.2; unhelpful -2.2; slow -1.5; delay -1.5; delayed -1.5; delays -1.5; wrong -1.8; incorrect -1.8; error -1.5;
        errors -1.5; mistake -1.8; mistakes -1.8; problem -1.5; problems -1.5; issue -1; issues -1; complaint -2; complaints -2;
        complain -1.8; complaining -1.8; outage -1; outages -1; failure -2; failed -1.8; fails -1.8; broken -2; faulty -2;
        unreliable -2.2; expensive -1.5; overcharged -2.5; overcharging -2.5; unfair -2.2; unreasonable -2.2; unclear -1.2;
        confusing -1.5; confused -1.3; confusion -1.5; contradictory -1.5; misleading -2.5; mess -2.2; chaos -2.5; chaotic -2.5;
        nightmare -3; hassle -2; worried -1.5; worrying -1.5; concerned -1.2; stress -1.8; stressful -2; shocked -2.5; shocking -2.5;
        unreachable -2.2; ignored -2.5; ignoring -2.5; waiting -0.6; waited -1.2; pity -1.2; shame -1.8; unfortunately -1.2; sadly -1.2;
        regret -1.5; cancel -1.2; cancellation -1.2; terminate -1.5; threaten -2; lawyer -2; ombudsman -2.5; scam -3.5; joke -2;
        hate -3; hopeless -3; pathetic -3; lousy -2.8; sloppy -2.2; careless -2; negligent -2.5; reminder -0.8; debt -1.5;
        penalty -1.8; cold -1; freezing -1.5; unanswered -2; misery -2.8; painful -1.8; difficult -1.2; inconvenient -1.8;
        inconvenience -1.8; damage -1.5; surprised -0.5; baffled -2; unbelievable -1.5; incomprehensible -2; pointless -2.2;
        unnecessary -1.2; refused -1.8; refuse -1.5; lost -1.2; forgot -1.2; forgotten -1.2; promised -0.8; increased -1;
        increase -0.8; increases -0.8; hike -1.5; rise -0.6; again -0.6; ripped -2.5; fuming -3.3; sick -1.5; tired -1;
        disgusted -3; dismayed -2.5; appalled -3; mediocre -1.8; overpriced -2.5; dreadfully -2.5; hopelessly -2.5; ignorant -2.5;
        happy 2.5; glad 2.2; pleased 2.2; satisfied 2.2; delighted 3; great 3; good 1.9; excellent 3.2; fantastic 3.2; wonderful 3.2;
        amazing 3; brilliant 3; super 2.5; perfect 2.8; nice 1.8; lovely 2.5; friendly 2; helpful 2.2; polite 1.8; patient 1.5;
        quick 1.5; quickly 1.2; fast 1.5; prompt 1.8; promptly 1.8; efficient 2; smooth 1.8; smoothly 1.8; easy 1.5; clear 1.2;
        thanks 1.8; thank 1.8; grateful 2.5; appreciate 2; appreciated 2.2; compliment 2.5; compliments 2.5; recommend 2;
        resolved 1.5; solved 1.5; fixed 1.2; sorted 1.2; reliable 1.8; fair 1.2; impressed 2.5; awesome 3; love 2.8; pleasant 2;
        reassuring 1.8; reassured 1.8; relieved 1.8; professional 1.8; accurate 1; competent 1.8; transparent 1.5; flexible 1.5;
        generous 2; excellently 3; superb 3.2; outstanding 3.2; courteous 2; knowledgeable 1.8; understanding 1.5; kind 1.5;
        cheerful 2; thankful 2.5; satisfaction 1.5; solution 0.8; correct 0.8; reasonable 1; acceptable 1; favourable 1.5;
        valuable 1.8; enjoyed 2; enthusiastic 2.5; praise 2.5; top 1.5; helped 1.2; best 2;
        kind regards 0; best regards 0; warm regards 0; best wishes 0; yours sincerely 0; yours faithfully 0; thank you in advance 0.3;
        thanks in advance 0.3; thank you for your message 0.3; thanks for your message 0.3; thank you 1.8; many thanks 2.5;
        thanks a lot 2.5; thanks again 2; thank you so much 2.8; great job 3; well done 2.5; keep it up 2; above and beyond 3;
        good news 2; no problem 1.2; no worries 1; good morning 0; good afternoon 0; good evening 0; look forward 0.3;
        looking forward 0.3; i look forward to hearing from you 0.3; feel free 0.3; fed up -3; sick of -2.5; tired of -2;
        had enough -2.8; no response -2; no reply -2; no answer -1.8; no feedback -1.5; still not -1.5; still no -1.5;
        still waiting -2; still have not -1.8; still haven't -1.8; on hold -1.5; kept waiting -2; waiting time -1; long wait -2;
        several times -1.2; many times -1.2; multiple times -1.2; once again -1.2; yet again -1.8; for weeks -1.2; for months -1.5;
        does not work -1.8; doesn't work -1.8; not working -1.8; stopped working -1.8; too high -1.8; too much -1.2;
        too expensive -2.2; way too -1; gone up -0.8; went up -0.8; price increase -1.2; price rise -1.2; switch provider -1.5;
        switch supplier -1.5; switching provider -1.5; switching supplier -1.5; another provider -1; another supplier -1;
        other suppliers -0.8; other providers -0.8; take my business elsewhere -3; cancel my contract -1.5; not acceptable -3;
        no power -1.8; no electricity -1.8; no gas -1.8; no heating -2; no hot water -2; power cut -1.8; power outage -1.8;
        not the first time -2; not resolved -2; not been resolved -2; nothing happens -2; nothing has happened -2;
        nothing has been done -2.2; charged twice -2.2; double charged -2.2; as soon as possible -0.5; no idea -0.8;
        helped me quickly 2.2; sorted it out 1.8; sorted out 1.5; in order 0.8; have a nice day 0.5; you're welcome 0.5;
        can't complain 1.5; cannot complain 1.5; couldn't be better 2.5; could not be better 2.5; fair enough 0.5; good to know 1;
        run around -2.5; runaround -2.5; passed from pillar to post -3; the last straw -3; last straw -3; i'm done -2.5; i am done -2.5;
        enough is enough -3; out of hand -2; getting worse -2.5; no one -1; nobody -1; not at all -1; at all -0.5;
        without any problems 1.5; without problems 1.5; without any hassle 1.5; no hassle 1.2; hassle-free 1.8; well organised 2;
        well organized 2; very well 2; let down -2.5; fobbed off -2.8; let me down -2.5; gave up -1.8; give up -1.8;
        taken seriously 1.5; nothing adds up -2; doesn't add up -1.8; does not add up -1.8; does not match -1.2; doesn't match -1.2;
        never happened -1.5; never agreed -1.8; never agreed to -1.8; too long -1.5; repeat my story -1.5; without heating -2;
        without power -2; without gas -2; no one is coming -1.5; fine 1.2; handy 1.5; perfectly 2.5; kindly 1.5; relief 2;
        that is how it should be 2; hats off 2.5; thinks along 2; thinking along 2; faster 1.2; badly -1.8; unreasonably -2;
        hardly worth -1.5; clearly 1; well looked after 2; can't be reached -2
        """;
}
