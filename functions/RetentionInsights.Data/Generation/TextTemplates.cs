namespace RetentionInsights.Data.Generation;

/// <summary>Tone of a generated message; the planted churn process raises the chance of negative tone.</summary>
public enum Tone
{
    Positive,
    Neutral,
    MildNegative,
    StrongNegative,
}

public enum Topic
{
    Bill,
    MeterReading,
    Installment,
    Outage,
    PriceIncrease,
    Moving,
    Solar,
    WaitingTime,
    PaymentPlan,
    Switching,
}

/// <summary>
/// Dutch and English customer-service texts for cases, emails and call notes, composed from parts so that tone and topic
/// vary independently. Written for this project (energy supplier domain).
/// </summary>
public static class TextTemplates
{
    private sealed record Parts(string[] Titles, string[] Bodies);

    private static readonly Dictionary<(string Lang, Topic Topic), Parts> Content = new()
    {
        [("nl", Topic.Bill)] = new(
            ["Vraag over jaarafrekening", "Jaarnota klopt niet", "Hoge eindafrekening", "Uitleg factuur gevraagd"],
            ["Ik heb mijn jaarafrekening ontvangen en begrijp niet hoe het bedrag is opgebouwd.",
             "Op mijn factuur staat een verbruik dat veel hoger is dan vorig jaar.",
             "De eindafrekening is ruim 300 euro hoger dan ik had verwacht.",
             "Er staan kosten op mijn nota die ik niet kan plaatsen."]),
        [("en", Topic.Bill)] = new(
            ["Question about annual statement", "Bill is incorrect", "High final bill", "Please explain my invoice"],
            ["I received my annual statement and I do not understand how the amount was calculated.",
             "My bill shows a consumption far higher than last year.",
             "The final bill is more than 300 euros higher than I expected.",
             "There are charges on my invoice that I cannot place."]),
        [("nl", Topic.MeterReading)] = new(
            ["Meterstand doorgeven", "Meterstand verkeerd verwerkt", "Slimme meter geeft geen standen door"],
            ["Hierbij geef ik mijn meterstanden door.",
             "U heeft een verkeerde meterstand gebruikt voor mijn afrekening.",
             "Mijn slimme meter stuurt sinds een paar weken geen standen meer door."]),
        [("en", Topic.MeterReading)] = new(
            ["Submitting meter reading", "Meter reading processed wrongly", "Smart meter not sending readings"],
            ["Please find my meter readings below.",
             "You used a wrong meter reading for my statement.",
             "My smart meter has not sent any readings for a few weeks."]),
        [("nl", Topic.Installment)] = new(
            ["Termijnbedrag aanpassen", "Vraag over maandbedrag", "Termijnbedrag te hoog"],
            ["Ik wil mijn termijnbedrag graag aanpassen naar mijn werkelijke verbruik.",
             "Kunt u uitleggen waarom mijn maandbedrag is gewijzigd?",
             "Mijn termijnbedrag is flink verhoogd zonder dat mijn verbruik is gestegen."]),
        [("en", Topic.Installment)] = new(
            ["Change monthly instalment", "Question about monthly amount", "Instalment too high"],
            ["I would like to adjust my monthly instalment to my actual usage.",
             "Could you explain why my monthly amount has changed?",
             "My instalment went up a lot although my usage did not increase."]),
        [("nl", Topic.Outage)] = new(
            ["Storing stroom", "Geen gas sinds vanochtend", "Stroomuitval in de straat"],
            ["Sinds vanochtend hebben wij geen stroom meer.",
             "Wij hebben sinds vanochtend geen gas en de verwarming doet het niet.",
             "In onze straat is de stroom al uren uitgevallen."]),
        [("en", Topic.Outage)] = new(
            ["Power outage", "No gas since this morning", "Power cut in our street"],
            ["We have had no electricity since this morning.",
             "We have had no gas since this morning and the heating is not working.",
             "The power in our street has been out for hours."]),
        [("nl", Topic.PriceIncrease)] = new(
            ["Tariefsverhoging", "Vraag over nieuwe tarieven", "Prijsstijging energie"],
            ["Ik heb bericht gekregen dat mijn tarieven per volgende maand omhoog gaan.",
             "Waarom stijgt mijn variabele tarief alweer?",
             "De nieuwe prijzen liggen ver boven die van andere leveranciers."]),
        [("en", Topic.PriceIncrease)] = new(
            ["Tariff increase", "Question about new rates", "Energy price rise"],
            ["I was told my rates will go up from next month.",
             "Why is my variable rate going up again?",
             "The new prices are far above those of other suppliers."]),
        [("nl", Topic.Moving)] = new(
            ["Verhuizing doorgeven", "Nieuw adres", "Verhuizen en contract"],
            ["Wij verhuizen volgende maand en willen het contract meenemen naar ons nieuwe adres.",
             "Graag wil ik mijn nieuwe adres doorgeven.",
             "Wat gebeurt er met mijn contract als ik verhuis?"]),
        [("en", Topic.Moving)] = new(
            ["Moving house", "New address", "Moving and my contract"],
            ["We are moving next month and want to take the contract to our new address.",
             "I would like to give you my new address.",
             "What happens to my contract when I move?"]),
        [("nl", Topic.Solar)] = new(
            ["Zonnepanelen en salderen", "Terugleverkosten", "Vraag over teruglevering"],
            ["Wij hebben zonnepanelen laten plaatsen; hoe werkt het salderen bij u?",
             "Ik zie terugleverkosten op mijn factuur die ik niet begrijp.",
             "Hoeveel krijg ik terug voor de stroom die ik teruglever?"]),
        [("en", Topic.Solar)] = new(
            ["Solar panels and net metering", "Feed-in charges", "Question about feed-in"],
            ["We had solar panels installed; how does net metering work with you?",
             "I see feed-in charges on my bill that I do not understand.",
             "How much do I get back for the power I feed in?"]),
        [("nl", Topic.WaitingTime)] = new(
            ["Geen reactie ontvangen", "Lange wachttijd klantenservice", "Nog steeds niets gehoord"],
            ["Ik heb twee weken geleden gemaild en nog steeds geen reactie ontvangen.",
             "Ik heb vandaag 40 minuten in de wacht gestaan bij uw klantenservice.",
             "Mijn vraag van vorige maand is nog altijd niet beantwoord."]),
        [("en", Topic.WaitingTime)] = new(
            ["No response received", "Long waiting time customer service", "Still no answer"],
            ["I emailed two weeks ago and still have not received a reply.",
             "I was on hold with your customer service for 40 minutes today.",
             "My question from last month has still not been answered."]),
        [("nl", Topic.PaymentPlan)] = new(
            ["Betalingsregeling aanvragen", "Betaling later", "Herinnering ontvangen"],
            ["Ik kan de factuur deze maand niet in één keer betalen; is een betalingsregeling mogelijk?",
             "Mag ik de betaling twee weken later doen?",
             "Ik heb een herinnering ontvangen terwijl ik al betaald heb."]),
        [("en", Topic.PaymentPlan)] = new(
            ["Request payment plan", "Paying later", "Reminder received"],
            ["I cannot pay the invoice in one go this month; is a payment plan possible?",
             "May I pay two weeks later?",
             "I received a reminder although I already paid."]),
        [("nl", Topic.Switching)] = new(
            ["Contract opzeggen", "Overstappen", "Opzegging"],
            ["Ik overweeg over te stappen naar een andere aanbieder.",
             "Hoe kan ik mijn contract opzeggen en wat is de opzegtermijn?",
             "Bij andere aanbieders ben ik goedkoper uit."]),
        [("en", Topic.Switching)] = new(
            ["Cancel contract", "Switching supplier", "Cancellation"],
            ["I am considering switching to another provider.",
             "How can I cancel my contract and what is the notice period?",
             "Other suppliers are cheaper for me."]),
    };

    private static readonly Dictionary<(string Lang, Tone Tone), string[]> Openers = new()
    {
        [("nl", Tone.Positive)] = ["Goedemiddag,", "Beste klantenservice,", "Hallo,"],
        [("nl", Tone.Neutral)] = ["Geachte heer/mevrouw,", "Goedemorgen,", "Beste klantenservice,"],
        [("nl", Tone.MildNegative)] = ["Geachte heer/mevrouw,", "Beste klantenservice,"],
        [("nl", Tone.StrongNegative)] = ["Geachte heer/mevrouw,", "Aan de klantenservice,"],
        [("en", Tone.Positive)] = ["Good afternoon,", "Dear customer service,", "Hello,"],
        [("en", Tone.Neutral)] = ["Dear Sir or Madam,", "Good morning,", "Dear customer service,"],
        [("en", Tone.MildNegative)] = ["Dear Sir or Madam,", "Dear customer service,"],
        [("en", Tone.StrongNegative)] = ["Dear Sir or Madam,", "To customer service,"],
    };

    private static readonly Dictionary<(string Lang, Tone Tone), string[]> Modifiers = new()
    {
        [("nl", Tone.Positive)] = ["Vorige keer werd ik heel vriendelijk en snel geholpen, daarvoor hartelijk dank!",
            "Ik ben erg tevreden over jullie service.", "Fijn dat het zo goed geregeld is, bedankt!"],
        [("nl", Tone.Neutral)] = ["Kunt u mij laten weten hoe dit zit?", "Ik hoor graag van u.", "Alvast bedankt voor de informatie."],
        [("nl", Tone.MildNegative)] = ["Ik ben hier niet tevreden over.", "Dit is helaas niet de eerste keer.",
            "Het is mij nog steeds onduidelijk wat er aan de hand is.", "Dat vind ik eerlijk gezegd jammer."],
        [("nl", Tone.StrongNegative)] = ["Ik heb hier al meerdere keren over gebeld en er gebeurt niets. Ik ben zeer teleurgesteld.",
            "Dit is echt onacceptabel. Ik wil dat dit per direct wordt opgelost.",
            "Als dit niet dringend wordt opgelost, ga ik kijken naar alternatieve aanbieders.",
            "Nogmaals: de informatie die ik krijg is tegenstrijdig en verwarrend. Ik ben het spuugzat."],
        [("en", Tone.Positive)] = ["Last time I was helped very kindly and quickly, many thanks!",
            "I am very happy with your service.", "Great that it is so well organised, thank you!"],
        [("en", Tone.Neutral)] = ["Could you let me know how this works?", "I look forward to hearing from you.", "Thank you in advance for the information."],
        [("en", Tone.MildNegative)] = ["I am not happy about this.", "Unfortunately this is not the first time.",
            "It is still unclear to me what is going on.", "Frankly, that is a pity."],
        [("en", Tone.StrongNegative)] = ["I have called about this several times and nothing happens. I am very disappointed.",
            "This is completely unacceptable. I want this fixed immediately.",
            "If this is not resolved urgently I will switch provider.",
            "Again: the information I get is contradictory and confusing. I am fed up."],
    };

    private static readonly Dictionary<string, string[]> Closers = new()
    {
        ["nl"] = ["Met vriendelijke groet,", "Groet,", "Vriendelijke groeten,"],
        ["en"] = ["Kind regards,", "Regards,", "Best wishes,"],
    };

    private static readonly Dictionary<(string Lang, Tone Tone), string[]> CallNotes = new()
    {
        [("nl", Tone.Positive)] = ["Klant belde, vraag beantwoord. Klant was tevreden en bedankte voor de hulp."],
        [("nl", Tone.Neutral)] = ["Klant belde met een vraag, uitleg gegeven.", "Klant gebeld, informatie doorgegeven."],
        [("nl", Tone.MildNegative)] = ["Klant belde, was niet tevreden over de uitleg.", "Klant geïrriteerd over de wachttijd."],
        [("nl", Tone.StrongNegative)] = ["Klant zeer boos, belt al meerdere keren over hetzelfde probleem en dreigt over te stappen.",
            "Klant teleurgesteld, wil per direct een oplossing, anders opzegging."],
        [("en", Tone.Positive)] = ["Customer called, question answered. Customer was satisfied and thanked us."],
        [("en", Tone.Neutral)] = ["Customer called with a question, explained.", "Called customer, information passed on."],
        [("en", Tone.MildNegative)] = ["Customer called, not happy with the explanation.", "Customer annoyed about the waiting time."],
        [("en", Tone.StrongNegative)] = ["Customer very angry, has called several times about the same problem and threatens to switch.",
            "Customer disappointed, wants a solution immediately, otherwise will cancel."],
    };

    private static readonly Dictionary<string, string[]> OutboundSubjects = new()
    {
        ["nl"] = ["Uw jaarafrekening staat klaar", "Bevestiging nieuw termijnbedrag", "Wijziging van uw tarieven", "Reactie op uw vraag"],
        ["en"] = ["Your annual statement is ready", "Confirmation of your new instalment", "Change to your rates", "Reply to your question"],
    };

    private static readonly Dictionary<string, string[]> OutboundBodies = new()
    {
        ["nl"] = ["In de bijlage vindt u uw jaarafrekening. Heeft u vragen, neem dan gerust contact met ons op.",
            "Hierbij bevestigen wij uw nieuwe termijnbedrag.",
            "Per volgende maand wijzigen de tarieven voor levering van stroom en gas.",
            "Bedankt voor uw bericht. Wij hebben uw vraag in behandeling genomen."],
        ["en"] = ["Please find your annual statement attached. If you have any questions, feel free to contact us.",
            "We hereby confirm your new monthly instalment.",
            "From next month the rates for electricity and gas supply will change.",
            "Thank you for your message. We are looking into your question."],
    };

    public static Topic TopicFor(int caseType, Rng rng) => caseType switch
    {
        1 => rng.Pick(new[] { Topic.Bill, Topic.MeterReading, Topic.Solar, Topic.Installment, Topic.Moving }),
        2 => rng.Pick(new[] { Topic.Bill, Topic.Outage, Topic.PriceIncrease, Topic.WaitingTime, Topic.MeterReading }),
        _ => rng.Pick(new[] { Topic.Installment, Topic.Moving, Topic.PaymentPlan, Topic.MeterReading }),
    };

    public static (string Title, string Body) Case(string lang, Topic topic, Tone tone, string firstName, Rng rng)
    {
        var parts = Content[(lang, topic)];
        var title = rng.Pick(parts.Titles);
        return (title, Letter(lang, parts, tone, firstName, rng));
    }

    public static (string Subject, string Body) InboundEmail(string lang, Topic topic, Tone tone, string firstName, Rng rng)
    {
        var parts = Content[(lang, topic)];
        var subject = rng.Pick(parts.Titles);
        if (tone == Tone.StrongNegative && rng.Chance(0.4))
            subject = lang == "nl" ? "DRINGEND: " + subject : "URGENT: " + subject;
        return (subject, Letter(lang, parts, tone, firstName, rng));
    }

    public static (string Subject, string Notes) Call(string lang, Topic topic, Tone tone, bool outgoing, Rng rng)
    {
        var subject = rng.Pick(Content[(lang, topic)].Titles);
        var notes = rng.Pick(CallNotes[(lang, outgoing && tone != Tone.Positive ? Tone.Neutral : tone)]);
        return (subject, notes);
    }

    public static (string Subject, string Body) OutboundEmail(string lang, Rng rng)
    {
        var i = rng.Next(OutboundSubjects[lang].Length);
        return (OutboundSubjects[lang][i], OutboundBodies[lang][i]);
    }

    private static string Letter(string lang, Parts parts, Tone tone, string firstName, Rng rng)
    {
        var body = rng.Pick(parts.Bodies);
        var modifier = rng.Pick(Modifiers[(lang, tone)]);
        var opener = rng.Pick(Openers[(lang, tone)]);
        var closer = rng.Pick(Closers[lang]);
        return tone == Tone.StrongNegative && rng.Chance(0.5)
            ? $"{opener}\n\n{modifier} {body}\n\n{closer}\n{firstName}"
            : $"{opener}\n\n{body} {modifier}\n\n{closer}\n{firstName}";
    }
}
